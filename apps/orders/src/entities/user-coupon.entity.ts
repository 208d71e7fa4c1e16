import { Column, Entity, PrimaryColumn } from 'typeorm';
import { Timestamped } from '#libs/database';

/** Whether a user's coupon is held by an order. (Expired is not stored: an unused copy past its coupon's end.) */
export type UserCouponStatus = 'unused' | 'used';

/** A copy of a coupon a user claimed; an order uses it (status `used`, `orderId`), a cancelled order gives it back. */
@Entity({ name: 'user_coupons' })
export class UserCoupon extends Timestamped {
  @PrimaryColumn({ type: 'char', length: 26 })
  id: string;

  @Column({ name: 'coupon_id', type: 'char', length: 26 })
  couponId: string;

  @Column({ name: 'user_id', type: 'char', length: 26 })
  userId: string;

  /** The claim's number among this user's claims of the coupon, 1..perUserLimit (unique per user and coupon). */
  @Column({ type: 'smallint', unsigned: true })
  slot: number;

  @Column({ type: 'varchar', length: 8 })
  status: UserCouponStatus;

  @Column({ name: 'order_id', type: 'char', length: 26, nullable: true })
  orderId: string | null;

  @Column({ name: 'used_at', type: 'datetime', precision: 3, nullable: true })
  usedAt: Date | null;
}
