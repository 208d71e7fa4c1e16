import { Injectable, Logger } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AppError } from '#libs/errors';
import { UserCouponRepository } from '../repositories/user-coupon.repository';
import { couponDiscount, Discount, DiscountLine } from './order-pricing';

/** A coupon an order is about to use, with what it takes off the order's lines. */
export interface CouponUse extends Discount {
  userCouponId: string;
}

/**
 * Coupons on orders: checks the user's copy against the order (theirs, unused, in its window, minimum spend, scope) and
 * prices its discount; takes it in the order's transaction (one order at most, however many race for it); gives it
 * back when the order is cancelled, expires or never gets placed, once.
 */
@Injectable()
export class CouponRedemptionService {
  private readonly logger = new Logger(CouponRedemptionService.name);

  constructor(private readonly userCoupons: UserCouponRepository) {}

  /** The discount of the user's copy on these lines; 404 for another user's, 409/422 with a stable code when it cannot be used. */
  async price(userId: string, userCouponId: string, lines: readonly DiscountLine[], now = new Date()): Promise<CouponUse> {
    const found = await this.userCoupons.findForUser(userCouponId, userId);
    if (!found) throw new AppError('COUPON_NOT_FOUND', 'No such coupon of yours', [{ field: 'userCouponId', message: 'not one of your coupons' }]);
    const { userCoupon, coupon } = found;
    if (userCoupon.status === 'used')
      throw new AppError('COUPON_ALREADY_USED', 'This coupon is already used by another order', [{ field: 'userCouponId', message: 'already used' }]);
    if (coupon.endsAt <= now)
      throw new AppError('COUPON_NOT_USABLE', 'This coupon has expired', [{ field: 'userCouponId', message: `expired at ${coupon.endsAt.toISOString()}` }]);
    if (coupon.startsAt > now)
      throw new AppError('COUPON_NOT_USABLE', 'This coupon is not valid yet', [
        { field: 'userCouponId', message: `valid from ${coupon.startsAt.toISOString()}` },
      ]);
    const discount = couponDiscount(coupon, lines);
    if ('reason' in discount) {
      const message =
        discount.reason === 'out_of_scope'
          ? 'the coupon applies to none of these items'
          : `the items it applies to add up to ${discount.eligibleFen} fen, less than its minimum of ${discount.minSpendFen}`;
      throw new AppError('COUPON_NOT_APPLICABLE', 'This coupon does not apply to this order', [{ field: 'userCouponId', message }]);
    }
    return { userCouponId, ...discount };
  }

  /** Takes the copy for the order inside the order's transaction; 409 COUPON_ALREADY_USED (and the order rolled back) if another order got it first. */
  async use(manager: EntityManager, userId: string, use: CouponUse, orderId: string): Promise<void> {
    if (!(await this.userCoupons.useForOrder(manager, use.userCouponId, userId, orderId, new Date())))
      throw new AppError('COUPON_ALREADY_USED', 'This coupon is already used by another order', [{ field: 'userCouponId', message: 'already used' }]);
  }

  /** The copy the order held is unused again (in `manager`'s transaction if given); a second call for the order does nothing. */
  release(orderId: string, manager?: EntityManager): Promise<boolean> {
    return this.userCoupons.releaseFromOrder(orderId, manager);
  }

  /** Gives back the copies of orders that were cancelled or never placed, left used by a crash or outage; how many. */
  async releaseHeldByClosedOrders(limit: number): Promise<number> {
    let released = 0;
    for (const orderId of await this.userCoupons.findHeldByClosedOrders(limit)) {
      try {
        if (await this.userCoupons.releaseFromOrder(orderId)) released++;
      } catch (error) {
        this.logger.warn({ msg: 'could not give back the coupon of a closed order; next sweep retries', orderId, error: (error as Error).message });
      }
    }
    return released;
  }
}
