import { MigrationInterface, QueryRunner } from 'typeorm';

/** Subscribe-message acceptances: one row per "accept", each allowing one message. */
export class CreateSubscribeAcceptances1796190000000 implements MigrationInterface {
  name = 'CreateSubscribeAcceptances1796190000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`CREATE TABLE subscribe_acceptances (
      id CHAR(26) NOT NULL,
      user_id CHAR(26) NOT NULL,
      template_id VARCHAR(128) NOT NULL,
      route_at DATETIME(3) NULL,
      popup_at DATETIME(3) NULL,
      used_by VARCHAR(128) NULL,
      used_at DATETIME(3) NULL,
      sent_at DATETIME(3) NULL,
      revoked_at DATETIME(3) NULL,
      created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
      PRIMARY KEY (id),
      UNIQUE KEY uq_subscribe_acceptances_used_by (used_by),
      KEY idx_subscribe_acceptances_user_template (user_id, template_id, used_at, revoked_at, id)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE subscribe_acceptances');
  }
}
