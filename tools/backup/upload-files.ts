import { GetBucketVersioningCommand, HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { pathInside } from './backup-manifest';
import { digestFile, FileDigest } from './file-digest';
import { S3Settings } from './s3-settings';
import { listObjects } from './s3-settings';

/** Where upload copies go inside a backup folder. */
export const UPLOADS_DIR = 'uploads';
/** The S3 driver's object list inside a backup folder. */
export const S3_OBJECTS_FILE = 'uploads-s3-objects.json';

type CopiedFile = { path: string } & FileDigest;

/** The local driver's stored files under `root`, relative (POSIX); its scratch folders (`.partial`, `.spool`) are left out. */
export async function localUploadFiles(root: string): Promise<string[]> {
  if (!existsSync(root)) return [];
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => relative(root, join(entry.parentPath, entry.name)).split(sep))
    .filter((parts) => parts.every((part) => !part.startsWith('.')))
    .map((parts) => parts.join('/'))
    .sort();
}

/** Copies the local driver's files into `<backup>/uploads/`; a file deleted meanwhile is skipped. Returns each copy's digest. */
export async function copyUploadsIn(root: string, backupDir: string): Promise<CopiedFile[]> {
  const copied: CopiedFile[] = [];
  for (const path of await localUploadFiles(root)) {
    const target = join(backupDir, UPLOADS_DIR, path);
    await mkdir(dirname(target), { recursive: true });
    try {
      await copyFile(join(root, path), target);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw error;
    }
    copied.push({ path: `${UPLOADS_DIR}/${path}`, ...(await digestFile(target)) });
  }
  return copied;
}

/**
 * Copies `<backup>/uploads/` back into the local driver's folder. A file already there with the same bytes is left alone;
 * one with other bytes is refused (every conflict is named before anything is copied) unless `overwrite`.
 */
export async function copyUploadsOut(files: CopiedFile[], backupDir: string, root: string, overwrite: boolean): Promise<{ copied: number; unchanged: number }> {
  const target = resolve(root);
  const plan: { from: string; to: string; same: boolean }[] = [];
  const conflicts: string[] = [];
  for (const file of files.filter((f) => f.path.startsWith(`${UPLOADS_DIR}/`))) {
    const to = pathInside(target, file.path.slice(UPLOADS_DIR.length + 1));
    const same = existsSync(to) && (await digestFile(to)).sha256 === file.sha256;
    if (existsSync(to) && !same) conflicts.push(relative(target, to));
    plan.push({ from: pathInside(backupDir, file.path), to, same });
  }
  if (conflicts.length && !overwrite)
    throw new Error(`${conflicts.length} upload file(s) in ${target} differ from the backup (--overwrite replaces them): ${conflicts.slice(0, 5).join(', ')}`);
  for (const step of plan.filter((s) => !s.same)) {
    await mkdir(dirname(step.to), { recursive: true });
    await copyFile(step.from, step.to);
  }
  return { copied: plan.filter((s) => !s.same).length, unchanged: plan.filter((s) => s.same).length };
}

/** One object of the S3 driver's bucket when the backup was made. */
export interface BucketObject {
  key: string;
  bytes: number;
  etag: string;
}

/** The bucket's versioning status (`Enabled`, `Suspended`, `Off`), or `unknown` when it cannot be read. */
export async function bucketVersioning(client: S3Client, settings: S3Settings): Promise<string> {
  try {
    return (await client.send(new GetBucketVersioningCommand({ Bucket: settings.bucket }))).Status ?? 'Off';
  } catch {
    return 'unknown';
  }
}

/** Writes the list of the upload bucket's objects into the backup; returns how many and their total length. */
export async function listUploadBucket(client: S3Client, settings: S3Settings, backupDir: string): Promise<{ objects: number; bytes: number }> {
  const objects: BucketObject[] = [];
  for await (const object of listObjects(client, settings)) objects.push(object);
  await writeFile(join(backupDir, S3_OBJECTS_FILE), JSON.stringify(objects));
  return { objects: objects.length, bytes: objects.reduce((sum, o) => sum + o.bytes, 0) };
}

/** Checks the objects the backup lists are in the bucket with the same ETag; returns those missing or changed. */
export async function checkUploadBucket(
  client: S3Client,
  settings: S3Settings,
  backupDir: string,
): Promise<{ present: number; missing: string[]; changed: string[] }> {
  const objects = JSON.parse(await readFile(join(backupDir, S3_OBJECTS_FILE), 'utf8')) as BucketObject[];
  const missing: string[] = [];
  const changed: string[] = [];
  for (let i = 0; i < objects.length; i += 16) {
    await Promise.all(
      objects.slice(i, i + 16).map(async (object) => {
        try {
          const head = await client.send(new HeadObjectCommand({ Bucket: settings.bucket, Key: object.key }));
          if (head.ETag !== object.etag) changed.push(object.key);
        } catch (error) {
          if ((error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404) missing.push(object.key);
          else throw error;
        }
      }),
    );
  }
  return { present: objects.length - missing.length - changed.length, missing: missing.sort(), changed: changed.sort() };
}
