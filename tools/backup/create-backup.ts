import { mkdir, rm, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { parseMysqlUrl } from '#libs/database';
import { BackupEnv, serviceDatabaseUrls } from './backup-env';
import { backupIdOf } from './backup-id';
import { BackupManifest, DatabaseDump, MANIFEST_FILE, UploadsPart } from './backup-manifest';
import { BackupStore } from './backup-store';
import { digestFile } from './file-digest';
import { countTables, dumpDatabase, MysqlTools } from './mysql-tools';
import { s3ClientOf, uploadBucketOf } from './s3-settings';
import { bucketVersioning, copyUploadsIn, listUploadBucket, S3_OBJECTS_FILE } from './upload-files';

/** One line of the tool's JSON log; never a URL, user or password. */
export type BackupLog = (event: string, fields?: Record<string, unknown>) => void;

/** What a backup needs: the environment, where it goes, the dump tool, and a log. */
export interface BackupRun {
  env: BackupEnv;
  store: BackupStore;
  tools: MysqlTools;
  log: BackupLog;
  now?: Date;
}

/**
 * Dumps every service's database (each in one consistent transaction), then copies the upload files (local driver) or
 * lists the bucket's objects (S3 driver), writes manifest.json with every file's length and SHA-256, and publishes the
 * backup in the store. Databases are dumped before files, so every upload row has its file in the backup.
 */
export async function createBackup(run: BackupRun): Promise<BackupManifest> {
  const { env, store, tools, log } = run;
  const started = run.now ?? new Date();
  const id = backupIdOf(started);
  const databases = serviceDatabaseUrls(env);
  const staging = await store.stagingDir(id);
  log('backup started', { id, store: store.location, tool: tools.version });
  try {
    return await writeBackup(run, id, started, staging, databases);
  } catch (error) {
    // A failed run leaves nothing behind: the next one starts clean and retention never counts it.
    await rm(staging, { recursive: true, force: true });
    throw error;
  }
}

async function writeBackup(run: BackupRun, id: string, started: Date, staging: string, databases: { service: string; url: string }[]): Promise<BackupManifest> {
  const { env, store, tools, log } = run;

  const files: BackupManifest['files'] = [];
  const dumps: DatabaseDump[] = [];
  for (const { service, url } of databases) {
    const parts = parseMysqlUrl(url);
    const file = `databases/${service}.sql.gz`;
    const begin = Date.now();
    const tables = await countTables(parts);
    await mkdir(join(staging, 'databases'), { recursive: true });
    await dumpDatabase(tools, parts, join(staging, file));
    const digest = await digestFile(join(staging, file));
    files.push({ path: file, ...digest });
    dumps.push({ service, database: parts.database, source: `${parts.host}:${parts.port}`, tables, file });
    log('database dumped', { service, database: parts.database, tables, bytes: digest.bytes, ms: Date.now() - begin });
  }

  const begin = Date.now();
  let uploads: UploadsPart;
  if (env.UPLOAD_STORAGE_DRIVER === 'local') {
    const copied = await copyUploadsIn(env.UPLOAD_LOCAL_DIR, staging);
    files.push(...copied);
    uploads = { driver: 'local', source: resolve(env.UPLOAD_LOCAL_DIR), files: copied.length, bytes: copied.reduce((sum, f) => sum + f.bytes, 0) };
    log('upload files copied', { files: uploads.files, bytes: uploads.bytes, ms: Date.now() - begin });
  } else {
    const settings = uploadBucketOf(env);
    const client = s3ClientOf(settings);
    try {
      const versioning = await bucketVersioning(client, settings);
      const listed = await listUploadBucket(client, settings, staging);
      files.push({ path: S3_OBJECTS_FILE, ...(await digestFile(join(staging, S3_OBJECTS_FILE))) });
      uploads = { driver: 's3', bucket: settings.bucket, prefix: settings.prefix, versioning, ...listed, file: S3_OBJECTS_FILE };
      log('upload bucket listed', { bucket: settings.bucket, objects: listed.objects, bytes: listed.bytes, versioning, ms: Date.now() - begin });
      if (versioning !== 'Enabled') log('warning: upload bucket versioning is not enabled', { bucket: settings.bucket, versioning });
    } finally {
      client.destroy();
    }
  }

  const manifest: BackupManifest = {
    format: 1,
    id,
    startedAt: started.toISOString(),
    finishedAt: new Date().toISOString(),
    host: hostname(),
    tool: { dump: basename(tools.dump), version: tools.version },
    databases: dumps,
    uploads,
    files,
  };
  await writeFile(join(staging, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
  await store.publish(id, staging);
  log('backup written', { id, store: store.location, files: files.length, bytes: files.reduce((sum, f) => sum + f.bytes, 0) });
  return manifest;
}
