import { MigrationInterface, QueryRunner } from 'typeorm';

const TABLE_OPTIONS = 'ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci';

/**
 * How an order was shipped (logistics type) and whether WeChat has its shipping information, and the outbox of
 * shipping information uploads: one row per shipment, written in the ship's transaction, drained by a worker.
 */
export class CreateShippingUploads1796183000000 implements MigrationInterface {
  name = 'CreateShippingUploads1796183000000';

  async up(runner: QueryRunner): Promise<void> {
    // Orders shipped before this column existed keep NULL for both: express by default, never uploaded by the backend.
    await runner.query(
      'ALTER TABLE orders ADD COLUMN logistics_type VARCHAR(12) NULL AFTER tracking_no, ADD COLUMN wechat_sync VARCHAR(12) NULL AFTER logistics_type',
    );
    // lease_token/lease_until: the replica working on the row, until when; a row whose lease ran out is taken again.
    await runner.query(`CREATE TABLE shipping_uploads (
      order_id CHAR(26) NOT NULL,
      state VARCHAR(8) NOT NULL,
      attempts SMALLINT UNSIGNED NOT NULL DEFAULT 0,
      next_attempt_at DATETIME(3) NOT NULL,
      lease_token CHAR(26) NULL,
      lease_until DATETIME(3) NULL,
      last_error VARCHAR(255) NULL,
      synced_at DATETIME(3) NULL,
      created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
      updated_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
      PRIMARY KEY (order_id),
      KEY idx_shipping_uploads_due (state, next_attempt_at),
      CONSTRAINT fk_shipping_uploads_order FOREIGN KEY (order_id) REFERENCES orders (id) ON DELETE CASCADE
    ) ${TABLE_OPTIONS}`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE shipping_uploads');
    await runner.query('ALTER TABLE orders DROP COLUMN wechat_sync, DROP COLUMN logistics_type');
  }
}
