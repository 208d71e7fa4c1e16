import { MigrationInterface, QueryRunner } from 'typeorm';

/** Finds the users showing an upload as their avatar, for clearing it when the upload is deleted. */
export class IndexUserAvatar1764100000000 implements MigrationInterface {
  name = 'IndexUserAvatar1764100000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER TABLE users ADD KEY idx_users_avatar_upload (avatar_upload_id)');
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER TABLE users DROP KEY idx_users_avatar_upload');
  }
}
