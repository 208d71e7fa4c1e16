import { Column, Entity, PrimaryColumn } from 'typeorm';
import { CreatedAtColumn, UpdatedAtColumn } from '#libs/database';

/** The contract's order states. */
export type OrderStatus = 'pending_payment' | 'paid' | 'shipped' | 'completed' | 'cancelled';

/**
 * Where the order's stock stands in the catalog: `reserving` while the saga asks for it (or after a crash there),
 * `releasing` when a reservation of unknown outcome must be given back, then `reserved`, `released` or `confirmed`.
 */
export type StockState = 'reserving' | 'reserved' | 'releasing' | 'released' | 'confirmed';

/** A refund of a cancelled paid order: `pending` until WeChat Pay accepts it, `processing` until it reports it done. */
export type RefundStatus = 'pending' | 'processing' | 'succeeded' | 'failed';

/** How staff shipped an order (WeChat's logistics_type 1-4). */
export type LogisticsType = 'express' | 'same_city' | 'virtual' | 'self_pickup';

/**
 * Whether WeChat holds the shipping information of a shipped order: `pending` while the upload is retried,
 * `synced`, `failed` (given up), `not_required` (not paid with WeChat Pay); null for orders shipped before uploads existed.
 */
export const WECHAT_SYNC_STATES = ['pending', 'synced', 'failed', 'not_required'] as const;
export type WechatSync = (typeof WECHAT_SYNC_STATES)[number];

/** An order a user placed: prices and names are a snapshot taken from the catalog when it was placed. */
@Entity({ name: 'orders' })
export class Order {
  @PrimaryColumn({ type: 'char', length: 26 })
  id: string;

  /** Unique, sortable by time, shown to people and sent to WeChat Pay as out_trade_no. */
  @Column({ name: 'order_no', type: 'varchar', length: 32 })
  orderNo: string;

  @Column({ name: 'user_id', type: 'char', length: 26 })
  userId: string;

  @Column({ type: 'varchar', length: 20 })
  status: OrderStatus;

  @Column({ name: 'stock_state', type: 'varchar', length: 16 })
  stockState: StockState;

  @Column({ name: 'placed_at', type: 'datetime', precision: 3, nullable: true })
  placedAt: Date | null;

  /** What the user pays: the lines' subtotals less `discountFen`. */
  @Column({ name: 'total_fen', type: 'int', unsigned: true })
  totalFen: number;

  /** What a coupon took off (0 without one); spread over the lines as their `discountFen`. */
  @Column({ name: 'discount_fen', type: 'int', unsigned: true, default: 0 })
  discountFen: number;

  @Column({ name: 'item_count', type: 'int', unsigned: true })
  itemCount: number;

  @Column({ name: 'contact_name', type: 'varchar', length: 64 })
  contactName: string;

  @Column({ name: 'contact_phone', type: 'varchar', length: 20 })
  contactPhone: string;

  @Column({ name: 'contact_address', type: 'varchar', length: 255, nullable: true })
  contactAddress: string | null;

  /** The parts of the address when the order was placed with an address-book entry (addressId); null otherwise. */
  @Column({ name: 'contact_province', type: 'varchar', length: 32, nullable: true })
  contactProvince: string | null;

  @Column({ name: 'contact_city', type: 'varchar', length: 32, nullable: true })
  contactCity: string | null;

  @Column({ name: 'contact_district', type: 'varchar', length: 32, nullable: true })
  contactDistrict: string | null;

  @Column({ name: 'contact_detail', type: 'varchar', length: 120, nullable: true })
  contactDetail: string | null;

  @Column({ name: 'contact_postal_code', type: 'char', length: 6, nullable: true })
  contactPostalCode: string | null;

  @Column({ type: 'varchar', length: 255, nullable: true })
  remark: string | null;

  @Column({ name: 'idempotency_key', type: 'char', length: 43, nullable: true, select: false })
  idempotencyKey: string | null;

  @Column({ name: 'expires_at', type: 'datetime', precision: 3 })
  expiresAt: Date;

  @Column({ name: 'prepay_id', type: 'varchar', length: 64, nullable: true })
  prepayId: string | null;

  @Column({ name: 'prepay_at', type: 'datetime', precision: 3, nullable: true })
  prepayAt: Date | null;

  @Column({ name: 'transaction_id', type: 'varchar', length: 64, nullable: true })
  transactionId: string | null;

  @Column({ name: 'paid_fen', type: 'int', unsigned: true, nullable: true })
  paidFen: number | null;

  @Column({ name: 'paid_at', type: 'datetime', precision: 3, nullable: true })
  paidAt: Date | null;

  @Column({ type: 'varchar', length: 32, nullable: true })
  carrier: string | null;

  @Column({ name: 'tracking_no', type: 'varchar', length: 64, nullable: true })
  trackingNo: string | null;

  @Column({ name: 'logistics_type', type: 'varchar', length: 12, nullable: true })
  logisticsType: LogisticsType | null;

  @Column({ name: 'wechat_sync', type: 'varchar', length: 12, nullable: true })
  wechatSync: WechatSync | null;

  @Column({ name: 'shipped_at', type: 'datetime', precision: 3, nullable: true })
  shippedAt: Date | null;

  @Column({ name: 'completed_at', type: 'datetime', precision: 3, nullable: true })
  completedAt: Date | null;

  @Column({ name: 'cancelled_at', type: 'datetime', precision: 3, nullable: true })
  cancelledAt: Date | null;

  @Column({ name: 'cancel_reason', type: 'varchar', length: 32, nullable: true })
  cancelReason: string | null;

  @Column({ name: 'refund_status', type: 'varchar', length: 16, nullable: true })
  refundStatus: RefundStatus | null;

  @Column({ name: 'refund_no', type: 'varchar', length: 64, nullable: true })
  refundNo: string | null;

  @Column({ name: 'refund_id', type: 'varchar', length: 64, nullable: true })
  refundId: string | null;

  @Column({ name: 'refund_fen', type: 'int', unsigned: true, nullable: true })
  refundFen: number | null;

  @Column({ name: 'refunded_at', type: 'datetime', precision: 3, nullable: true })
  refundedAt: Date | null;

  @Column({ type: 'int', unsigned: true, default: 0 })
  version: number;

  @CreatedAtColumn()
  createdAt: Date;

  @UpdatedAtColumn()
  updatedAt: Date;
}
