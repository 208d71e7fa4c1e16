import { MigrationInterface, QueryRunner } from 'typeorm';

/** The address book: each user's delivery addresses (at most 20, one of them the default). */
export class CreateAddresses1764300000000 implements MigrationInterface {
  name = 'CreateAddresses1764300000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`CREATE TABLE addresses (
      id CHAR(26) NOT NULL,
      user_id CHAR(26) NOT NULL,
      name VARCHAR(32) NOT NULL,
      phone VARCHAR(11) NOT NULL,
      province VARCHAR(32) NOT NULL,
      city VARCHAR(32) NOT NULL,
      district VARCHAR(32) NOT NULL,
      detail VARCHAR(120) NOT NULL,
      postal_code CHAR(6) NULL,
      is_default TINYINT(1) NOT NULL DEFAULT 0,
      created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
      updated_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
      PRIMARY KEY (id),
      KEY idx_addresses_user (user_id, is_default, id)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE addresses');
  }
}
