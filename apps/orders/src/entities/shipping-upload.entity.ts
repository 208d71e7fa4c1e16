import { Column, Entity, PrimaryColumn } from 'typeorm';
import { CreatedAtColumn, UpdatedAtColumn } from '#libs/database';

/** An outbox row's state: `pending` until WeChat holds the shipping information (`synced`) or the worker gives up (`failed`). */
export type ShippingUploadState = 'pending' | 'synced' | 'failed';

/** One shipment's upload of its shipping information to WeChat (upload_shipping_info), written with the ship. */
@Entity({ name: 'shipping_uploads' })
export class ShippingUpload {
  @PrimaryColumn({ name: 'order_id', type: 'char', length: 26 })
  orderId: string;

  @Column({ type: 'varchar', length: 8 })
  state: ShippingUploadState;

  /** Attempts started (a claim counts one, even if its replica died before WeChat answered). */
  @Column({ type: 'smallint', unsigned: true, default: 0 })
  attempts: number;

  @Column({ name: 'next_attempt_at', type: 'datetime', precision: 3 })
  nextAttemptAt: Date;

  @Column({ name: 'lease_token', type: 'char', length: 26, nullable: true })
  leaseToken: string | null;

  @Column({ name: 'lease_until', type: 'datetime', precision: 3, nullable: true })
  leaseUntil: Date | null;

  @Column({ name: 'last_error', type: 'varchar', length: 255, nullable: true })
  lastError: string | null;

  @Column({ name: 'synced_at', type: 'datetime', precision: 3, nullable: true })
  syncedAt: Date | null;

  @CreatedAtColumn()
  createdAt: Date;

  @UpdatedAtColumn()
  updatedAt: Date;
}
