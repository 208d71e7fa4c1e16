import { Column, Entity, PrimaryColumn } from 'typeorm';
import { CreatedAtColumn, StringListColumn, UpdatedAtColumn } from '#libs/database';

/** The contract's after-sale states: `requested → approved → refunded`, `requested → rejected`, `requested → withdrawn`. */
export type AfterSaleStatus = 'requested' | 'approved' | 'refunded' | 'rejected' | 'withdrawn';

/** The refund of an approved request: `pending` until WeChat Pay accepts it, `processing` until it reports it done. */
export type AfterSaleRefundStatus = 'pending' | 'processing' | 'succeeded' | 'failed';

/** The order lines a request concerns. */
export interface AfterSaleItem {
  skuId: string;
  quantity: number;
}

/** A user's refund request on a paid, shipped or completed order, and what staff and WeChat Pay made of it. */
@Entity({ name: 'after_sales' })
export class AfterSale {
  @PrimaryColumn({ type: 'char', length: 26 })
  id: string;

  @Column({ name: 'order_id', type: 'char', length: 26 })
  orderId: string;

  @Column({ name: 'user_id', type: 'char', length: 26 })
  userId: string;

  @Column({ type: 'varchar', length: 16 })
  status: AfterSaleStatus;

  /** The order's id while the request is open (requested, or approved with its refund under way): unique, so one open request per order. */
  @Column({ name: 'open_order_id', type: 'char', length: 26, nullable: true, select: false })
  openOrderId: string | null;

  @Column({ type: 'varchar', length: 200 })
  reason: string;

  @Column({ type: 'varchar', length: 255, nullable: true })
  remark: string | null;

  @Column({ name: 'requested_fen', type: 'int', unsigned: true })
  requestedFen: number;

  @Column({
    type: 'text',
    transformer: {
      to: (value: AfterSaleItem[]) => JSON.stringify(value ?? []),
      from: (value: string | null) => (value ? (JSON.parse(value) as AfterSaleItem[]) : []),
    },
  })
  items: AfterSaleItem[];

  @StringListColumn({ name: 'image_upload_ids' })
  imageUploadIds: string[];

  /** The amount staff approved (at most the requested one). */
  @Column({ name: 'approved_fen', type: 'int', unsigned: true, nullable: true })
  approvedFen: number | null;

  @Column({ name: 'reject_reason', type: 'varchar', length: 200, nullable: true })
  rejectReason: string | null;

  @Column({ name: 'decided_by', type: 'varchar', length: 64, nullable: true })
  decidedBy: string | null;

  @Column({ name: 'decided_at', type: 'datetime', precision: 3, nullable: true })
  decidedAt: Date | null;

  @Column({ name: 'withdrawn_at', type: 'datetime', precision: 3, nullable: true })
  withdrawnAt: Date | null;

  /** out_refund_no at WeChat Pay: `AS<id>`, the same for every retry, so WeChat Pay makes one refund of it. */
  @Column({ name: 'refund_no', type: 'varchar', length: 64, nullable: true })
  refundNo: string | null;

  @Column({ name: 'refund_status', type: 'varchar', length: 16, nullable: true })
  refundStatus: AfterSaleRefundStatus | null;

  @Column({ name: 'refund_id', type: 'varchar', length: 64, nullable: true })
  refundId: string | null;

  @Column({ name: 'refunded_at', type: 'datetime', precision: 3, nullable: true })
  refundedAt: Date | null;

  @CreatedAtColumn()
  createdAt: Date;

  @UpdatedAtColumn()
  updatedAt: Date;
}
