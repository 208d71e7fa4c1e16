import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

/** A verified notification to keep on record. */
export interface NotificationRecord {
  id: string;
  eventType: string;
  orderId: string | null;
  reference: string | null;
  outcome: string;
}

/** The log of verified WeChat Pay notifications: one row per notification id, deliveries counted. */
@Injectable()
export class PaymentNotificationRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Records a delivery; a duplicate delivery of the same notification only bumps its count. */
  async record(notification: NotificationRecord): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO payment_notifications (id, event_type, order_id, reference, outcome) VALUES (?, ?, ?, ?, ?)
       ON DUPLICATE KEY UPDATE deliveries = deliveries + 1, last_received_at = NOW(3)`,
      [
        notification.id,
        notification.eventType.slice(0, 32),
        notification.orderId,
        notification.reference?.slice(0, 64) ?? null,
        notification.outcome.slice(0, 16),
      ],
    );
  }
}
