import { provisionServiceDatabase, parseMysqlUrl } from '#libs/database';
import { BackupEnv, serviceDatabaseUrls } from './backup-env';
import { BackupManifest, readManifest, verifyBackup } from './backup-manifest';
import { BackupLog } from './create-backup';
import { countTables, loadDump, MysqlTools } from './mysql-tools';
import { s3ClientOf, uploadBucketOf } from './s3-settings';
import { checkUploadBucket, copyUploadsOut } from './upload-files';

/** What a restore needs: the environment (the target databases and upload storage), the backup folder, the client. */
export interface RestoreRun {
  env: BackupEnv;
  dir: string;
  tools: MysqlTools;
  log: BackupLog;
  /** Restore into databases that have tables (the dump replaces its own tables) and over upload files that differ. */
  overwrite?: boolean;
}

/** What was restored. */
export interface RestoreSummary {
  id: string;
  databases: { service: string; database: string; ms: number }[];
  uploads: { copied: number; unchanged: number } | { present: number; missing: string[]; changed: string[] };
}

/**
 * Restores a backup folder: checks every file against the manifest first, refuses databases that already have tables
 * (unless `overwrite`), creates the databases and users when MYSQL_ADMIN_URL is set (as the migrate tool does), loads
 * each dump as the service's own user, then copies the upload files back (local) or checks the bucket still has every
 * object (S3: what is missing comes back from the bucket's versions). No data is written before every check passed.
 */
export async function restoreBackup(run: RestoreRun): Promise<RestoreSummary> {
  const { env, dir, tools, log } = run;
  const manifest: BackupManifest = await readManifest(dir);
  await verifyBackup(dir, manifest);
  log('backup verified', { id: manifest.id, files: manifest.files.length });

  const targets = new Map(serviceDatabaseUrls(env).map((t) => [t.service, t.url]));
  const plan = manifest.databases.map((dump) => {
    const url = targets.get(dump.service);
    if (!url) throw new Error(`the backup has a database for "${dump.service}", which this tool does not know`);
    return { dump, url, parts: parseMysqlUrl(url) };
  });
  if (env.MYSQL_ADMIN_URL) for (const { url } of plan) await provisionServiceDatabase(env.MYSQL_ADMIN_URL, url);
  const occupied: string[] = [];
  for (const { dump, parts } of plan) {
    const tables = await countTables(parts);
    if (tables > 0) occupied.push(`${dump.service} (${parts.database}: ${tables} tables)`);
  }
  if (occupied.length && !run.overwrite)
    throw new Error(`refusing to restore into databases that have tables (--overwrite to do it anyway): ${occupied.join(', ')}`);

  const databases: RestoreSummary['databases'] = [];
  for (const { dump, parts } of plan) {
    const begin = Date.now();
    await loadDump(tools, parts, `${dir}/${dump.file}`);
    databases.push({ service: dump.service, database: parts.database, ms: Date.now() - begin });
    log('database restored', { service: dump.service, database: parts.database, tables: dump.tables, ms: Date.now() - begin });
  }

  let uploads: RestoreSummary['uploads'];
  if (manifest.uploads.driver === 'local') {
    const begin = Date.now();
    uploads = await copyUploadsOut(manifest.files, dir, env.UPLOAD_LOCAL_DIR, run.overwrite ?? false);
    log('upload files restored', { ...uploads, ms: Date.now() - begin });
  } else {
    const settings = uploadBucketOf({ ...env, UPLOAD_S3_BUCKET: env.UPLOAD_S3_BUCKET ?? manifest.uploads.bucket });
    const client = s3ClientOf(settings);
    try {
      uploads = await checkUploadBucket(client, settings, dir);
    } finally {
      client.destroy();
    }
    log('upload bucket checked', { bucket: settings.bucket, present: uploads.present, missing: uploads.missing.length, changed: uploads.changed.length });
    if (uploads.missing.length || uploads.changed.length) {
      log('warning: objects missing or changed since the backup; restore their versions from the bucket', {
        missing: uploads.missing.slice(0, 20),
        changed: uploads.changed.slice(0, 20),
      });
    }
  }
  return { id: manifest.id, databases, uploads };
}
