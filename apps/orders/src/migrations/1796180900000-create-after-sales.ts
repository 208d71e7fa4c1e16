import { MigrationInterface, QueryRunner } from 'typeorm';

const TABLE_OPTIONS = 'ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci';

/** After-sale refund requests: one open per order (uq_after_sales_open), each refunded once (uq_after_sales_refund_no). */
export class CreateAfterSales1796180900000 implements MigrationInterface {
  name = 'CreateAfterSales1796180900000';

  async up(runner: QueryRunner): Promise<void> {
    // open_order_id is the order's id while the request is open and NULL once it is closed: a unique key on it lets
    // one open request exist per order, whatever races, and NULLs never collide.
    await runner.query(`CREATE TABLE after_sales (
      id CHAR(26) NOT NULL,
      order_id CHAR(26) NOT NULL,
      user_id CHAR(26) NOT NULL,
      status VARCHAR(16) NOT NULL,
      open_order_id CHAR(26) NULL,
      reason VARCHAR(200) NOT NULL,
      remark VARCHAR(255) NULL,
      requested_fen INT UNSIGNED NOT NULL,
      items TEXT NOT NULL,
      image_upload_ids TEXT NOT NULL,
      approved_fen INT UNSIGNED NULL,
      reject_reason VARCHAR(200) NULL,
      decided_by VARCHAR(64) NULL,
      decided_at DATETIME(3) NULL,
      withdrawn_at DATETIME(3) NULL,
      refund_no VARCHAR(64) NULL,
      refund_status VARCHAR(16) NULL,
      refund_id VARCHAR(64) NULL,
      refunded_at DATETIME(3) NULL,
      created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
      updated_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
      PRIMARY KEY (id),
      UNIQUE KEY uq_after_sales_open (open_order_id),
      UNIQUE KEY uq_after_sales_refund_no (refund_no),
      KEY idx_after_sales_order (order_id, id),
      KEY idx_after_sales_status (status, id),
      KEY idx_after_sales_refund (refund_status, updated_at)
    ) ${TABLE_OPTIONS}`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE after_sales');
  }
}
