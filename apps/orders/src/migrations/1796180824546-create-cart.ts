import { MigrationInterface, QueryRunner } from 'typeorm';

const TABLE_OPTIONS = 'ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci';

/** Users' carts: one row per user (locked while a line is added, so the line limit holds) and their lines. */
export class CreateCart1796180824546 implements MigrationInterface {
  name = 'CreateCart1796180824546';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`CREATE TABLE carts (
      user_id CHAR(26) NOT NULL,
      created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
      PRIMARY KEY (user_id)
    ) ${TABLE_OPTIONS}`);
    // The catalog's description of the SKU when the line was last set: shown for a SKU the catalog no longer knows.
    await runner.query(`CREATE TABLE cart_items (
      user_id CHAR(26) NOT NULL,
      sku_id CHAR(26) NOT NULL,
      quantity SMALLINT UNSIGNED NOT NULL,
      product_id CHAR(26) NOT NULL,
      product_title VARCHAR(255) NOT NULL,
      sku_name VARCHAR(128) NOT NULL,
      image_url VARCHAR(1024) NULL,
      price_fen INT UNSIGNED NOT NULL,
      created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
      updated_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
      PRIMARY KEY (user_id, sku_id),
      KEY idx_cart_items_user_added (user_id, created_at)
    ) ${TABLE_OPTIONS}`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE cart_items');
    await runner.query('DROP TABLE carts');
  }
}
