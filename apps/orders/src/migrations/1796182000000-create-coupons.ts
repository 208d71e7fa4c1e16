import { MigrationInterface, QueryRunner } from 'typeorm';

const TABLE_OPTIONS = 'ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci';

/** Coupons staff issue, the copies users claim, and the discount an order got from one (in all and per line). */
export class CreateCoupons1796182000000 implements MigrationInterface {
  name = 'CreateCoupons1796182000000';

  async up(runner: QueryRunner): Promise<void> {
    // claimed only grows, by a conditional UPDATE (claimed < total) that also locks the row for the claim's transaction.
    await runner.query(`CREATE TABLE coupons (
      id CHAR(26) NOT NULL,
      name VARCHAR(64) NOT NULL,
      kind VARCHAR(8) NOT NULL,
      amount_fen INT UNSIGNED NULL,
      percent_off TINYINT UNSIGNED NULL,
      min_spend_fen INT UNSIGNED NOT NULL,
      total INT UNSIGNED NOT NULL,
      claimed INT UNSIGNED NOT NULL DEFAULT 0,
      per_user_limit SMALLINT UNSIGNED NOT NULL,
      starts_at DATETIME(3) NOT NULL,
      ends_at DATETIME(3) NOT NULL,
      product_ids TEXT NOT NULL,
      category_ids TEXT NOT NULL,
      created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
      updated_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
      PRIMARY KEY (id),
      KEY idx_coupons_ends (ends_at, id)
    ) ${TABLE_OPTIONS}`);
    // slot is the claim's number among the user's claims of that coupon (1..per_user_limit): the unique key makes a
    // second claim of the same slot fail even if the count were read wrong. order_id is set while an order holds it.
    await runner.query(`CREATE TABLE user_coupons (
      id CHAR(26) NOT NULL,
      coupon_id CHAR(26) NOT NULL,
      user_id CHAR(26) NOT NULL,
      slot SMALLINT UNSIGNED NOT NULL,
      status VARCHAR(8) NOT NULL,
      order_id CHAR(26) NULL,
      used_at DATETIME(3) NULL,
      created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
      updated_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
      PRIMARY KEY (id),
      UNIQUE KEY uq_user_coupons_slot (user_id, coupon_id, slot),
      UNIQUE KEY uq_user_coupons_order (order_id),
      KEY idx_user_coupons_user (user_id, status, id),
      KEY idx_user_coupons_used (status, used_at),
      CONSTRAINT fk_user_coupons_coupon FOREIGN KEY (coupon_id) REFERENCES coupons (id)
    ) ${TABLE_OPTIONS}`);
    await runner.query('ALTER TABLE orders ADD COLUMN discount_fen INT UNSIGNED NOT NULL DEFAULT 0 AFTER total_fen');
    await runner.query('ALTER TABLE order_items ADD COLUMN discount_fen INT UNSIGNED NOT NULL DEFAULT 0 AFTER subtotal_fen');
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER TABLE order_items DROP COLUMN discount_fen');
    await runner.query('ALTER TABLE orders DROP COLUMN discount_fen');
    await runner.query('DROP TABLE user_coupons');
    await runner.query('DROP TABLE coupons');
  }
}
