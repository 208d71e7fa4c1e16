import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfigOrExit } from '#libs/config';
import { withLocalStackDefaults } from '../stack/local-stack';
import { BACKUP_SERVICES, BackupEnv } from './backup-env';
import { jsonLineLog } from './backup-log';
import { MANIFEST_FILE } from './backup-manifest';
import { backupStoreOf } from './backup-store';
import { findMysqlTools } from './mysql-tools';
import { restoreBackup } from './restore-backup';

const USAGE = `Usage: npm run restore -- <backup> [--overwrite]
  <backup>     a backup's name in BACKUP_DIR or BACKUP_S3_BUCKET (e.g. 20260501T030000Z), "latest", or a backup folder's path
  --overwrite  restore into databases that have tables and over upload files that differ (default: refuse)
Targets: <SERVICE>_DATABASE_URL, UPLOAD_LOCAL_DIR or UPLOAD_S3_*; with MYSQL_ADMIN_URL the databases and users are created.`;

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const overwrite = args.includes('--overwrite');
  const names = args.filter((arg) => !arg.startsWith('--'));
  const unknown = args.filter((arg) => arg.startsWith('--') && arg !== '--overwrite');
  if (names.length !== 1 || unknown.length) {
    process.stderr.write(`${USAGE}\n`);
    process.exit(2);
  }
  const { env: variables, localStack } = withLocalStackDefaults(process.env, BACKUP_SERVICES);
  if (localStack) process.stderr.write('no <SERVICE>_DATABASE_URL set: restoring into the local stack (npm run stack)\n');
  const env = loadConfigOrExit(BackupEnv, { ...variables, BACKUP_DIR: variables.BACKUP_DIR || (variables.BACKUP_S3_BUCKET ? undefined : '.') });
  const begin = Date.now();
  const tools = findMysqlTools();
  let backup: { dir: string; release(): Promise<void> } = { dir: names[0], release: () => Promise.resolve() };
  if (!existsSync(join(names[0], MANIFEST_FILE))) {
    const store = backupStoreOf(env);
    const name = names[0] === 'latest' ? (await store.inventory()).complete.at(-1) : names[0];
    if (!name) throw new Error(`no backups in ${store.location}`);
    backup = await store.open(name);
  }
  try {
    const summary = await restoreBackup({ env, dir: backup.dir, tools, log: jsonLineLog, overwrite });
    jsonLineLog('restore done', { id: summary.id, ms: Date.now() - begin });
  } finally {
    await backup.release();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`restore failed: ${(error as Error).message}\n`);
  process.exit(1);
});
