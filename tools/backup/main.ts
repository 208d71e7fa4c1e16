import { loadConfigOrExit } from '#libs/config';
import { withLocalStackDefaults } from '../stack/local-stack';
import { BACKUP_SERVICES, BackupEnv } from './backup-env';
import { jsonLineLog } from './backup-log';
import { backupStoreOf } from './backup-store';
import { createBackup } from './create-backup';
import { findMysqlTools } from './mysql-tools';
import { pruneBackups } from './prune-backups';

// Usage: npm run backup
// Dumps every service's database and the upload files (or the S3 bucket's object list) into a new backup in BACKUP_DIR or
// BACKUP_S3_BUCKET, then deletes what BACKUP_KEEP_DAILY / BACKUP_KEEP_WEEKLY do not keep. Variables: .env.example.
async function main(): Promise<void> {
  const { env: variables, localStack } = withLocalStackDefaults(process.env, BACKUP_SERVICES);
  if (localStack)
    process.stderr.write(`no <SERVICE>_DATABASE_URL set: backing up the local stack (npm run stack) into ${variables.BACKUP_DIR ?? 'BACKUP_S3_BUCKET'}\n`);
  const env = loadConfigOrExit(BackupEnv, variables);
  const store = backupStoreOf(env);
  const begin = Date.now();
  const manifest = await createBackup({ env, store, tools: findMysqlTools(), log: jsonLineLog });
  await pruneBackups(store, { daily: env.BACKUP_KEEP_DAILY, weekly: env.BACKUP_KEEP_WEEKLY }, jsonLineLog);
  jsonLineLog('backup done', { id: manifest.id, ms: Date.now() - begin });
}

main().catch((error: unknown) => {
  process.stderr.write(`backup failed: ${(error as Error).message}\n`);
  process.exit(1);
});
