import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { isDuplicateKey, WriteResult } from '#libs/database';
import { Coupon } from '../entities/coupon.entity';
import { UserCoupon } from '../entities/user-coupon.entity';

/** A user's coupon with the coupon it is a copy of. */
export interface UserCouponWithCoupon {
  userCoupon: UserCoupon;
  coupon: Coupon;
}

/** What a claim did: the new copy, or why there is none. */
export type ClaimOutcome = { outcome: 'claimed'; userCoupon: UserCoupon } | { outcome: 'unavailable' } | { outcome: 'limit_reached' };

/** How the user's list is filtered: `unused` still usable, `expired` unused past the coupon's end. */
export type UserCouponView = 'unused' | 'used' | 'expired';

class LimitReached extends Error {}

/** Storage of users' coupons: claims (counted on the coupon), their use by an order and their return. */
@Injectable()
export class UserCouponRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * One more copy for the user, in one transaction: the coupon's counter goes up only while copies are left and its
   * window is open (a conditional UPDATE, which also locks the coupon's row, so claims of one coupon take turns across
   * the cluster), then the user's copies are counted under that lock and the next slot inserted; the unique
   * (user, coupon, slot) key refuses a slot taken twice. Beyond the limit, the whole claim (the counter too) is undone.
   */
  async claim(id: string, couponId: string, userId: string, now: Date): Promise<ClaimOutcome> {
    try {
      return await this.dataSource.transaction(async (manager) => {
        const taken = await manager.query<WriteResult>(
          'UPDATE coupons SET claimed = claimed + 1 WHERE id = ? AND claimed < total AND starts_at <= ? AND ends_at > ?',
          [couponId, now, now],
        );
        if (taken.affectedRows !== 1) return { outcome: 'unavailable' as const };
        const [{ perUserLimit, held }]: { perUserLimit: number; held: number }[] = await manager.query(
          `SELECT c.per_user_limit AS perUserLimit, (SELECT COUNT(*) FROM user_coupons u WHERE u.user_id = ? AND u.coupon_id = c.id) AS held
           FROM coupons c WHERE c.id = ?`,
          [userId, couponId],
        );
        if (Number(held) >= Number(perUserLimit)) throw new LimitReached();
        await manager.query('INSERT INTO user_coupons (id, coupon_id, user_id, slot, status, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)', [
          id,
          couponId,
          userId,
          Number(held) + 1,
          'unused',
          now,
          now,
        ]);
        return { outcome: 'claimed' as const, userCoupon: (await manager.getRepository(UserCoupon).findOneBy({ id }))! };
      });
    } catch (error) {
      if (error instanceof LimitReached || isDuplicateKey(error, 'uq_user_coupons_slot')) return { outcome: 'limit_reached' };
      throw error;
    }
  }

  /** The user's copy with its coupon; another user's is not found. */
  async findForUser(id: string, userId: string): Promise<UserCouponWithCoupon | null> {
    const userCoupon = await this.dataSource.getRepository(UserCoupon).findOneBy({ id, userId });
    if (!userCoupon) return null;
    const coupon = await this.dataSource.getRepository(Coupon).findOneBy({ id: userCoupon.couponId });
    return coupon ? { userCoupon, coupon } : null;
  }

  /** A page of the user's copies in one view, newest first; `limit + 1` rows. */
  async listForUser(userId: string, view: UserCouponView | undefined, now: Date, beforeId: string | undefined, limit: number): Promise<UserCouponWithCoupon[]> {
    const query = this.dataSource
      .getRepository(UserCoupon)
      .createQueryBuilder('u')
      .innerJoin(Coupon, 'c', 'c.id = u.coupon_id')
      .where('u.user_id = :userId', { userId })
      .orderBy('u.id', 'DESC')
      .limit(limit + 1);
    if (view === 'used') query.andWhere("u.status = 'used'");
    if (view === 'unused') query.andWhere("u.status = 'unused' AND c.ends_at > :now", { now });
    if (view === 'expired') query.andWhere("u.status = 'unused' AND c.ends_at <= :now", { now });
    if (beforeId) query.andWhere('u.id < :beforeId', { beforeId });
    const userCoupons = await query.getMany();
    if (!userCoupons.length) return [];
    const coupons = await this.dataSource.getRepository(Coupon).find({ where: [...new Set(userCoupons.map((row) => row.couponId))].map((id) => ({ id })) });
    const byId = new Map(coupons.map((coupon) => [coupon.id, coupon]));
    return userCoupons.map((userCoupon) => ({ userCoupon, coupon: byId.get(userCoupon.couponId)! }));
  }

  /**
   * The order takes the user's copy, in the order's transaction, only if it is still unused (and the user's): false when
   * another order took it first, and the caller rolls its order back. (The coupon's window was checked just before.)
   */
  async useForOrder(manager: EntityManager, id: string, userId: string, orderId: string, now: Date): Promise<boolean> {
    const result = await manager.query<WriteResult>(
      "UPDATE user_coupons SET status = 'used', order_id = ?, used_at = ? WHERE id = ? AND user_id = ? AND status = 'unused'",
      [orderId, now, id, userId],
    );
    return result.affectedRows === 1;
  }

  /** The copy an order held is unused again; only the first call for that order does anything. */
  async releaseFromOrder(orderId: string, manager: EntityManager = this.dataSource.manager): Promise<boolean> {
    const result = await manager.query<WriteResult>(
      "UPDATE user_coupons SET status = 'unused', order_id = NULL, used_at = NULL WHERE order_id = ? AND status = 'used'",
      [orderId],
    );
    return result.affectedRows === 1;
  }

  /** Orders that hold a copy but are cancelled or gone (for the sweeper to give it back). */
  async findHeldByClosedOrders(limit: number): Promise<string[]> {
    const rows: { orderId: string }[] = await this.dataSource.query(
      `SELECT u.order_id AS orderId FROM user_coupons u LEFT JOIN orders o ON o.id = u.order_id
       WHERE u.status = 'used' AND (o.id IS NULL OR o.status = 'cancelled') ORDER BY u.used_at LIMIT ?`,
      [limit],
    );
    return rows.map((row) => row.orderId);
  }

  /** The copy an order used, if any. */
  findByOrder(orderId: string): Promise<UserCoupon | null> {
    return this.dataSource.getRepository(UserCoupon).findOneBy({ orderId });
  }
}
