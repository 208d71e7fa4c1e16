import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A WeChat Pay notification that passed verification, by its id: duplicates only count deliveries. */
@Entity({ name: 'payment_notifications' })
export class PaymentNotification {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  id: string;

  @Column({ name: 'event_type', type: 'varchar', length: 32 })
  eventType: string;

  @Column({ name: 'order_id', type: 'char', length: 26, nullable: true })
  orderId: string | null;

  /** transaction_id or refund_id. */
  @Column({ type: 'varchar', length: 64, nullable: true })
  reference: string | null;

  @Column({ type: 'varchar', length: 16 })
  outcome: string;

  @Column({ type: 'int', unsigned: true })
  deliveries: number;

  @Column({ name: 'received_at', type: 'datetime', precision: 3 })
  receivedAt: Date;

  @Column({ name: 'last_received_at', type: 'datetime', precision: 3 })
  lastReceivedAt: Date;
}
