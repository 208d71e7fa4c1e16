import { Injectable } from '@nestjs/common';
import { cursorBeforeId, Page, PageQueryDto, toPage } from '#libs/contracts';
import { newId } from '#libs/database';
import { AppError } from '#libs/errors';
import { ListMyCouponsQueryDto } from '../dtos/coupon-requests.dto';
import { CouponDto, UserCouponDto } from '../dtos/coupon.dto';
import { CouponRepository } from '../repositories/coupon.repository';
import { UserCouponRepository } from '../repositories/user-coupon.repository';

/** Users' side of coupons: what can be claimed, claiming one (never beyond the total or the per-user limit), their own. */
@Injectable()
export class CouponClaimService {
  constructor(
    private readonly coupons: CouponRepository,
    private readonly userCoupons: UserCouponRepository,
  ) {}

  /** Coupons in their window with copies left, newest first. */
  async listClaimable(query: PageQueryDto): Promise<Page<CouponDto>> {
    const rows = await this.coupons.listClaimable(new Date(), cursorBeforeId(query.cursor), query.limit);
    return toPage(rows, query.limit, (coupon) => CouponDto.from(coupon));
  }

  /** One more copy for the user: 409 COUPON_EXHAUSTED when none is left, COUPON_LIMIT_REACHED at the user's limit. */
  async claim(userId: string, couponId: string): Promise<UserCouponDto> {
    const now = new Date();
    const result = await this.userCoupons.claim(newId(), couponId, userId, now);
    if (result.outcome === 'limit_reached') throw new AppError('COUPON_LIMIT_REACHED', 'You already have as many of this coupon as one person may claim');
    if (result.outcome === 'claimed') return UserCouponDto.from(result.userCoupon, (await this.coupons.findById(couponId))!, now);
    const coupon = await this.coupons.findById(couponId);
    if (!coupon) throw new AppError('COUPON_NOT_FOUND', 'No such coupon');
    if (coupon.startsAt > now)
      throw new AppError('COUPON_NOT_CLAIMABLE', 'This coupon cannot be claimed yet', [{ field: 'startsAt', message: coupon.startsAt.toISOString() }]);
    if (coupon.endsAt <= now) throw new AppError('COUPON_NOT_CLAIMABLE', 'This coupon has ended', [{ field: 'endsAt', message: coupon.endsAt.toISOString() }]);
    throw new AppError('COUPON_EXHAUSTED', 'No copies of this coupon are left');
  }

  /** The user's copies, newest first; unused ones past their coupon's end show as expired. */
  async listMine(userId: string, query: ListMyCouponsQueryDto): Promise<Page<UserCouponDto>> {
    const now = new Date();
    const rows = await this.userCoupons.listForUser(userId, query.status, now, cursorBeforeId(query.cursor), query.limit);
    return toPage(
      rows,
      query.limit,
      (row) => UserCouponDto.from(row.userCoupon, row.coupon, now),
      (row) => row.userCoupon.id,
    );
  }
}
