import { MigrationInterface, QueryRunner } from 'typeorm';

/** Products' mini-program share codes, one per product and page, stored as public uploads. */
export class CreateProductShareCodes1796190000000 implements MigrationInterface {
  name = 'CreateProductShareCodes1796190000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`CREATE TABLE product_share_codes (
      product_id CHAR(26) NOT NULL,
      page VARCHAR(128) NOT NULL,
      upload_id CHAR(26) NOT NULL,
      created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
      PRIMARY KEY (product_id, page)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE product_share_codes');
  }
}
