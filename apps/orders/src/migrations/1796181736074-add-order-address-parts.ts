import { MigrationInterface, QueryRunner } from 'typeorm';

/** An order placed with an address-book entry keeps the address in its parts too (province, city, district, detail, postal code). */
export class AddOrderAddressParts1796181736074 implements MigrationInterface {
  name = 'AddOrderAddressParts1796181736074';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE orders
      ADD COLUMN contact_province VARCHAR(32) NULL AFTER contact_address,
      ADD COLUMN contact_city VARCHAR(32) NULL AFTER contact_province,
      ADD COLUMN contact_district VARCHAR(32) NULL AFTER contact_city,
      ADD COLUMN contact_detail VARCHAR(120) NULL AFTER contact_district,
      ADD COLUMN contact_postal_code CHAR(6) NULL AFTER contact_detail`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`ALTER TABLE orders
      DROP COLUMN contact_province, DROP COLUMN contact_city, DROP COLUMN contact_district, DROP COLUMN contact_detail, DROP COLUMN contact_postal_code`);
  }
}
