import { MigrationInterface, QueryRunner } from 'typeorm';

/** WeChat's media check of images shown to others: its status and the trace id its pushed result names. */
export class AddUploadMediaCheck1796190000000 implements MigrationInterface {
  name = 'AddUploadMediaCheck1796190000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER TABLE uploads ADD COLUMN media_check VARCHAR(8) NULL, ADD COLUMN media_check_trace_id VARCHAR(64) NULL');
    await runner.query('CREATE INDEX idx_uploads_media_check_trace ON uploads (media_check_trace_id)');
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP INDEX idx_uploads_media_check_trace ON uploads');
    await runner.query('ALTER TABLE uploads DROP COLUMN media_check_trace_id, DROP COLUMN media_check');
  }
}
