import { DeleteObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { loadConfig } from '#libs/config';
import { dropServiceDatabase } from '#libs/database';
import { createTestDatabase, MYSQL_ADMIN_URL, TestDatabase } from '#libs/testing';
import { queryDatabase } from '../../apps/auth/test/auth-test-harness';
import { startTestS3, TestS3 } from '../../apps/upload/test/upload-test-harness';
import { SERVICE_SCHEMAS } from '../migrate/service-schemas';
import { BackupEnv } from './backup-env';
import { backupStoreOf } from './backup-store';
import { createBackup } from './create-backup';
import { findMysqlTools } from './mysql-tools';
import { pruneBackups } from './prune-backups';
import { restoreBackup } from './restore-backup';

describe('backups in a bucket, of an upload service on the S3 driver (s3rver, real MariaDB)', () => {
  let uploads: TestS3;
  let backups: TestS3;
  const databases: Record<string, TestDatabase> = {};
  const log = () => undefined;
  const tools = findMysqlTools();
  let env: BackupEnv;

  beforeAll(async () => {
    uploads = await startTestS3('uploads-test');
    backups = await startTestS3('backups-test');
    for (const [service, schema] of Object.entries(SERVICE_SCHEMAS)) databases[service] = await createTestDatabase(service, schema);
    await queryDatabase(databases.auth.url, "INSERT INTO users (id, openid, session_key) VALUES ('01HZUSERA00000000000000000', 'oalice', 'sk')");
    for (const key of ['files/01HZFILE100000000000000000', 'files/01HZFILE200000000000000000']) {
      await uploads.client.send(new PutObjectCommand({ Bucket: uploads.bucket, Key: key, Body: `bytes of ${key}` }));
    }
    env = loadConfig(BackupEnv, {
      ...Object.fromEntries(Object.entries(databases).map(([service, db]) => [`${service.toUpperCase()}_DATABASE_URL`, db.url])),
      MYSQL_ADMIN_URL,
      ...uploads.env,
      BACKUP_S3_BUCKET: backups.bucket,
      BACKUP_S3_PREFIX: 'nightly/',
      BACKUP_S3_ENDPOINT: backups.endpoint,
      BACKUP_S3_FORCE_PATH_STYLE: 'true',
      BACKUP_S3_ACCESS_KEY_ID: 'S3RVER',
      BACKUP_S3_SECRET_ACCESS_KEY: 'S3RVER',
    });
  }, 60000);

  afterAll(async () => {
    for (const db of Object.values(databases)) await db.drop();
    await uploads?.stop();
    await backups?.stop();
  });

  it('writes the dumps and the upload bucket’s object list under the prefix, manifest included, and restores from there', async () => {
    const store = backupStoreOf(env);
    const manifest = await createBackup({ env, store, tools, log });
    expect(manifest.uploads).toMatchObject({ driver: 's3', bucket: 'uploads-test', objects: 2 });
    expect(await store.inventory()).toEqual({ complete: [manifest.id], incomplete: [] });

    for (const db of Object.values(databases)) await dropServiceDatabase(MYSQL_ADMIN_URL, db.url);
    await uploads.client.send(new DeleteObjectCommand({ Bucket: uploads.bucket, Key: 'files/01HZFILE200000000000000000' }));
    const backup = await store.open(manifest.id);
    try {
      const summary = await restoreBackup({ env, dir: backup.dir, tools, log });
      expect(summary.uploads).toEqual({ present: 1, missing: ['files/01HZFILE200000000000000000'], changed: [] });
    } finally {
      await backup.release();
    }
    expect(await queryDatabase(databases.auth.url, 'SELECT id, openid FROM users')).toEqual([{ id: '01HZUSERA00000000000000000', openid: 'oalice' }]);
    expect((await queryDatabase(databases.orders.url, 'SHOW TABLES')).length).toBeGreaterThan(0);
  }, 60000);

  it('keeps what the retention rule keeps and deletes the other backups from the bucket', async () => {
    const store = backupStoreOf(env);
    for (const time of ['2026-04-27T03:00:00Z', '2026-04-28T03:00:00Z', '2026-04-29T03:00:00Z']) {
      await createBackup({ env, store, tools, log, now: new Date(time) });
    }
    const { complete } = await store.inventory();
    expect(complete).toHaveLength(4);
    const removed = await pruneBackups(store, { daily: 2, weekly: 0 }, log);
    expect(removed).toEqual(['20260428T030000Z', '20260427T030000Z']);
    expect((await store.inventory()).complete).toEqual([complete[2], complete[3]].sort());
  }, 60000);
});
