import { MigrationInterface, QueryRunner } from 'typeorm';

/** Users, sessions with rotating refresh tokens, and staff accounts. */
export class CreateAuthSchema1763712000000 implements MigrationInterface {
  name = 'CreateAuthSchema1763712000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`CREATE TABLE users (
      id CHAR(26) NOT NULL,
      openid VARCHAR(64) NOT NULL,
      unionid VARCHAR(64) NULL,
      session_key VARCHAR(64) NOT NULL,
      nickname VARCHAR(64) NULL,
      avatar_upload_id CHAR(26) NULL,
      phone VARCHAR(20) NULL,
      phone_country_code VARCHAR(8) NULL,
      created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
      updated_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
      PRIMARY KEY (id),
      UNIQUE KEY uq_users_openid (openid),
      KEY idx_users_unionid (unionid)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
    await runner.query(`CREATE TABLE sessions (
      id CHAR(26) NOT NULL,
      subject_kind VARCHAR(8) NOT NULL,
      subject_id CHAR(26) NOT NULL,
      created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
      expires_at DATETIME(3) NOT NULL,
      revoked_at DATETIME(3) NULL,
      revoked_reason VARCHAR(32) NULL,
      PRIMARY KEY (id),
      KEY idx_sessions_subject (subject_kind, subject_id)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
    await runner.query(`CREATE TABLE refresh_tokens (
      token_hash CHAR(64) NOT NULL,
      session_id CHAR(26) NOT NULL,
      created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
      expires_at DATETIME(3) NOT NULL,
      used_at DATETIME(3) NULL,
      PRIMARY KEY (token_hash),
      KEY idx_refresh_tokens_session (session_id)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
    await runner.query(`CREATE TABLE staff_accounts (
      id CHAR(26) NOT NULL,
      username VARCHAR(32) NOT NULL,
      password_hash VARCHAR(255) NOT NULL,
      role VARCHAR(16) NOT NULL,
      disabled_at DATETIME(3) NULL,
      created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
      PRIMARY KEY (id),
      UNIQUE KEY uq_staff_accounts_username (username)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
  }

  async down(runner: QueryRunner): Promise<void> {
    for (const table of ['staff_accounts', 'refresh_tokens', 'sessions', 'users']) await runner.query(`DROP TABLE ${table}`);
  }
}
