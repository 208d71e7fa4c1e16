import type { Coupon, CouponKind } from '../entities/coupon.entity';
import type { UserCoupon } from '../entities/user-coupon.entity';

/** A coupon as users see it: what it takes off, on what, when, and how many copies are left. */
export class CouponDto {
  id: string;
  name: string;
  kind: CouponKind;
  /** Fen off (kind `amount`), else null. */
  amountFen: number | null;
  /** Percent off the lines in scope, rounded down to the fen (kind `percent`), else null. */
  percentOff: number | null;
  /** The lines in scope must add up to at least this. */
  minSpendFen: number;
  /** Copies one user may claim. */
  perUserLimit: number;
  /** Copies left to claim across everyone. */
  remaining: number;
  startsAt: string;
  endsAt: string;
  /** The products (with `categoryIds`: products of those categories too) it applies to; both empty: everything. */
  productIds: string[];
  categoryIds: string[];

  static from(coupon: Coupon): CouponDto {
    return {
      id: coupon.id,
      name: coupon.name,
      kind: coupon.kind,
      amountFen: coupon.amountFen,
      percentOff: coupon.percentOff,
      minSpendFen: coupon.minSpendFen,
      perUserLimit: coupon.perUserLimit,
      remaining: Math.max(coupon.total - coupon.claimed, 0),
      startsAt: coupon.startsAt.toISOString(),
      endsAt: coupon.endsAt.toISOString(),
      productIds: coupon.productIds,
      categoryIds: coupon.categoryIds,
    };
  }
}

/** A coupon as staff see it: with its total and the copies claimed. */
export class AdminCouponDto extends CouponDto {
  total: number;
  claimed: number;
  createdAt: string;
  updatedAt: string;

  static fromCoupon(coupon: Coupon): AdminCouponDto {
    return {
      ...CouponDto.from(coupon),
      total: coupon.total,
      claimed: coupon.claimed,
      createdAt: coupon.createdAt.toISOString(),
      updatedAt: coupon.updatedAt.toISOString(),
    };
  }
}

/** A copy of a coupon a user claimed. */
export class UserCouponDto {
  id: string;
  /** `unused` (usable until `expiresAt`), `used` (held by an order: back to unused if that order is cancelled or expires), `expired`. */
  status: 'unused' | 'used' | 'expired';
  coupon: CouponDto;
  /** The coupon's end: an unused copy expires then. */
  expiresAt: string;
  /** The order holding it, while used. */
  orderId: string | null;
  claimedAt: string;

  static from(userCoupon: UserCoupon, coupon: Coupon, now = new Date()): UserCouponDto {
    const expired = userCoupon.status === 'unused' && coupon.endsAt.getTime() <= now.getTime();
    return {
      id: userCoupon.id,
      status: expired ? 'expired' : userCoupon.status,
      coupon: CouponDto.from(coupon),
      expiresAt: coupon.endsAt.toISOString(),
      orderId: userCoupon.orderId,
      claimedAt: userCoupon.createdAt.toISOString(),
    };
  }
}
