import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayUnique, IsArray, IsIn, IsInt, IsISO8601, Matches, Max, Min } from 'class-validator';
import { ID_PATTERN, Optional, PageQueryDto, UserText } from '#libs/contracts';
import type { CouponKind } from '../entities/coupon.entity';
import type { UserCouponView } from '../repositories/user-coupon.repository';
import type { CouponPhase } from '../repositories/coupon.repository';
import { MAX_TOTAL_FEN } from '../services/order-pricing';

const COUPON_KINDS: CouponKind[] = ['amount', 'percent'];
const USER_COUPON_VIEWS: UserCouponView[] = ['unused', 'used', 'expired'];
const COUPON_PHASES: CouponPhase[] = ['scheduled', 'active', 'ended'];
/** Most copies of one coupon, most per user, most products or categories in a scope. */
export const MAX_COUPON_TOTAL = 10_000_000;
export const MAX_PER_USER_LIMIT = 100;
export const MAX_SCOPE_IDS = 100;

/** POST /api/orders/admin/coupons */
export class CreateCouponDto {
  /** @example 新人立减 10 元 */
  @UserText({ max: 64 })
  name: string;

  /** `amount`: `amountFen` off; `percent`: `percentOff` percent off the lines in scope, rounded down to the fen. */
  @IsIn(COUPON_KINDS)
  @ApiProperty({ enum: COUPON_KINDS })
  kind: CouponKind;

  /**
   * Fen off (kind `amount` only, and required for it).
   * @example 1000
   */
  @Optional()
  @IsInt()
  @Min(1)
  @Max(MAX_TOTAL_FEN)
  amountFen?: number;

  /**
   * Percent off, 1–99 (kind `percent` only, and required for it): 15 takes 15 % off.
   * @example 15
   */
  @Optional()
  @IsInt()
  @Min(1)
  @Max(99)
  percentOff?: number;

  /**
   * The lines in scope must add up to at least this (0: no minimum).
   * @example 5000
   */
  @IsInt()
  @Min(0)
  @Max(MAX_TOTAL_FEN)
  minSpendFen: number;

  /**
   * Copies users may claim in all, across the cluster.
   * @example 500
   */
  @IsInt()
  @Min(1)
  @Max(MAX_COUPON_TOTAL)
  total: number;

  /**
   * Copies one user may claim.
   * @example 1
   */
  @IsInt()
  @Min(1)
  @Max(MAX_PER_USER_LIMIT)
  perUserLimit: number;

  /**
   * Claimable and usable from this instant...
   * @example 2026-12-01T00:00:00+08:00
   */
  @IsISO8601({ strict: true })
  @ApiProperty({ format: 'date-time' })
  startsAt: string;

  /**
   * ...until this one, after `startsAt`; users' unused copies then expire.
   * @example 2026-12-31T23:59:59+08:00
   */
  @IsISO8601({ strict: true })
  @ApiProperty({ format: 'date-time' })
  endsAt: string;

  /** Only lines of these products count (with `categoryIds`: lines of either); neither: every line. */
  @Optional()
  @IsArray()
  @ArrayMaxSize(MAX_SCOPE_IDS)
  @ArrayUnique()
  @Matches(ID_PATTERN, { each: true, message: 'each of productIds must be a product id' })
  productIds?: string[];

  /** Only lines of products in these categories (the product's own category) count. */
  @Optional()
  @IsArray()
  @ArrayMaxSize(MAX_SCOPE_IDS)
  @ArrayUnique()
  @Matches(ID_PATTERN, { each: true, message: 'each of categoryIds must be a category id' })
  categoryIds?: string[];
}

/** PATCH /api/orders/admin/coupons/:id: any field of the creation; `total` never below the copies already claimed. */
export class UpdateCouponDto extends PartialType(CreateCouponDto, { skipNullProperties: false }) {}

/** GET /api/orders/admin/coupons */
export class AdminListCouponsQueryDto extends PageQueryDto {
  /** `scheduled` (not started), `active` (in its window), `ended`. */
  @Optional()
  @IsIn(COUPON_PHASES)
  @ApiPropertyOptional({ enum: COUPON_PHASES })
  phase?: CouponPhase;

  @Optional()
  @IsIn(COUPON_KINDS)
  @ApiPropertyOptional({ enum: COUPON_KINDS })
  kind?: CouponKind;
}

/** GET /api/coupons/mine */
export class ListMyCouponsQueryDto extends PageQueryDto {
  /** `unused` (still usable), `used` (held by an order), `expired` (unused past the coupon's end); none: all. */
  @Optional()
  @IsIn(USER_COUPON_VIEWS)
  @ApiPropertyOptional({ enum: USER_COUPON_VIEWS })
  status?: UserCouponView;
}
