import { Column, Entity, PrimaryColumn } from 'typeorm';
import { StringListColumn, Timestamped } from '#libs/database';

/** What a coupon takes off: an amount of fen, or a percentage of the lines in its scope. */
export type CouponKind = 'amount' | 'percent';

/** A coupon staff issue: `total` copies that users claim (at most `perUserLimit` each) and use on an order in its window. */
@Entity({ name: 'coupons' })
export class Coupon extends Timestamped {
  @PrimaryColumn({ type: 'char', length: 26 })
  id: string;

  @Column({ type: 'varchar', length: 64 })
  name: string;

  @Column({ type: 'varchar', length: 8 })
  kind: CouponKind;

  @Column({ name: 'amount_fen', type: 'int', unsigned: true, nullable: true })
  amountFen: number | null;

  @Column({ name: 'percent_off', type: 'tinyint', unsigned: true, nullable: true })
  percentOff: number | null;

  @Column({ name: 'min_spend_fen', type: 'int', unsigned: true })
  minSpendFen: number;

  @Column({ type: 'int', unsigned: true })
  total: number;

  /** Copies claimed so far; never above `total`. */
  @Column({ type: 'int', unsigned: true, default: 0 })
  claimed: number;

  @Column({ name: 'per_user_limit', type: 'smallint', unsigned: true })
  perUserLimit: number;

  /** Claimable and usable from this instant... */
  @Column({ name: 'starts_at', type: 'datetime', precision: 3 })
  startsAt: Date;

  /** ...until this one, when the users' copies expire. */
  @Column({ name: 'ends_at', type: 'datetime', precision: 3 })
  endsAt: Date;

  /** With `categoryIds`: the lines it applies to; both empty: every line. */
  @StringListColumn({ name: 'product_ids' })
  productIds: string[];

  @StringListColumn({ name: 'category_ids' })
  categoryIds: string[];
}
