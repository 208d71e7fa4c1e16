import { MigrationInterface, QueryRunner } from 'typeorm';

/** Stored files, unfinished storage work, and per-owner usage for quotas. */
export class CreateUploadSchema1763900000000 implements MigrationInterface {
  name = 'CreateUploadSchema1763900000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`CREATE TABLE uploads (
      id CHAR(26) NOT NULL,
      owner_kind VARCHAR(8) NOT NULL,
      owner_id CHAR(26) NOT NULL,
      is_public TINYINT(1) NOT NULL,
      storage_key VARCHAR(255) NOT NULL,
      mime VARCHAR(64) NOT NULL,
      size BIGINT UNSIGNED NOT NULL,
      sha256 CHAR(64) NOT NULL,
      width INT UNSIGNED NULL,
      height INT UNSIGNED NULL,
      filename VARCHAR(255) NULL,
      thumb_status VARCHAR(8) NOT NULL,
      thumb_key VARCHAR(255) NULL,
      thumb_mime VARCHAR(64) NULL,
      thumb_size INT UNSIGNED NULL,
      thumb_sha256 CHAR(64) NULL,
      created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
      PRIMARY KEY (id),
      KEY idx_uploads_owner (owner_kind, owner_id, id),
      KEY idx_uploads_thumb_status (thumb_status, created_at)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
    await runner.query(`CREATE TABLE upload_intents (
      id CHAR(26) NOT NULL,
      kind VARCHAR(8) NOT NULL,
      owner_kind VARCHAR(8) NOT NULL,
      owner_id CHAR(26) NOT NULL,
      is_public TINYINT(1) NOT NULL,
      storage_keys VARCHAR(600) NOT NULL,
      declared_mime VARCHAR(64) NULL,
      declared_size BIGINT UNSIGNED NULL,
      filename VARCHAR(255) NULL,
      expires_at DATETIME(3) NOT NULL,
      created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
      PRIMARY KEY (id),
      KEY idx_upload_intents_expires (expires_at)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
    await runner.query(`CREATE TABLE upload_usage (
      owner_kind VARCHAR(8) NOT NULL,
      owner_id CHAR(26) NOT NULL,
      bytes BIGINT UNSIGNED NOT NULL DEFAULT 0,
      files INT UNSIGNED NOT NULL DEFAULT 0,
      PRIMARY KEY (owner_kind, owner_id)
    ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`);
  }

  async down(runner: QueryRunner): Promise<void> {
    for (const table of ['upload_usage', 'upload_intents', 'uploads']) await runner.query(`DROP TABLE ${table}`);
  }
}
