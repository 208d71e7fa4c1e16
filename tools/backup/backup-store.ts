import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { createReadStream, createWriteStream, existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rename, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { BackupEnv } from './backup-env';
import { timeOfBackupId } from './backup-id';
import { MANIFEST_FILE, pathInside } from './backup-manifest';
import { backupBucketOf, listObjects, S3Settings, s3ClientOf } from './s3-settings';

/** Where backups live: a folder of folders, or a bucket prefix of "folders". */
export interface BackupStore {
  /** For logs: `dir:/var/backups/miniprogram` or `s3://bucket/prefix`. */
  readonly location: string;
  /** A fresh local folder the backup `id` is written into before publish(). */
  stagingDir(id: string): Promise<string>;
  /** Makes the staged backup `id` visible (its manifest last) and removes the staging folder if it was temporary. */
  publish(id: string, staging: string): Promise<void>;
  /** Complete backups (with a manifest) and incomplete ones (an interrupted run), by name. */
  inventory(): Promise<{ complete: string[]; incomplete: string[] }>;
  /** A local folder holding backup `id`, and a function that removes it if it was downloaded. */
  open(id: string): Promise<{ dir: string; release(): Promise<void> }>;
  remove(id: string): Promise<void>;
}

const PARTIAL = '.partial';

/** BACKUP_DIR: `<dir>/<id>/`, written as `<id>.partial/` and renamed once complete. */
export class FolderBackupStore implements BackupStore {
  readonly location: string;
  private readonly root: string;

  constructor(dir: string) {
    this.root = resolve(dir);
    this.location = `dir:${this.root}`;
  }

  async stagingDir(id: string): Promise<string> {
    if (existsSync(join(this.root, id))) throw new Error(`backup ${id} exists already`);
    const staging = join(this.root, `${id}${PARTIAL}`);
    await rm(staging, { recursive: true, force: true });
    await mkdir(staging, { recursive: true, mode: 0o700 });
    return staging;
  }

  async publish(id: string, staging: string): Promise<void> {
    await rename(staging, join(this.root, id));
  }

  async inventory(): Promise<{ complete: string[]; incomplete: string[] }> {
    const names = existsSync(this.root) ? await readdir(this.root) : [];
    const complete = names.filter((name) => timeOfBackupId(name) && existsSync(join(this.root, name, MANIFEST_FILE)));
    const incomplete = names
      .filter((name) => name.endsWith(PARTIAL) || (timeOfBackupId(name) && !complete.includes(name)))
      .map((name) => name.replace(PARTIAL, ''))
      .filter((name) => timeOfBackupId(name));
    return { complete: complete.sort(), incomplete: incomplete.sort() };
  }

  open(id: string): Promise<{ dir: string; release(): Promise<void> }> {
    const dir = join(this.root, id);
    if (!timeOfBackupId(id) || !existsSync(join(dir, MANIFEST_FILE))) return Promise.reject(new Error(`no complete backup ${id} in ${this.root}`));
    return Promise.resolve({ dir, release: () => Promise.resolve() });
  }

  async remove(id: string): Promise<void> {
    if (!timeOfBackupId(id)) throw new Error(`not a backup name: ${id}`);
    await rm(join(this.root, id), { recursive: true, force: true });
    await rm(join(this.root, `${id}${PARTIAL}`), { recursive: true, force: true });
  }
}

async function filesBelow(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => relative(root, join(entry.parentPath, entry.name)).split(sep).join('/'))
    .sort();
}

/** BACKUP_S3_BUCKET: objects `<prefix><id>/<file>`, staged in a temporary folder, the manifest put last. */
export class BucketBackupStore implements BackupStore {
  readonly location: string;

  constructor(
    private readonly client: S3Client,
    private readonly settings: S3Settings,
  ) {
    this.location = `s3://${settings.bucket}/${settings.prefix}`;
  }

  private key(id: string, path: string): string {
    return `${this.settings.prefix}${id}/${path}`;
  }

  async stagingDir(id: string): Promise<string> {
    const { complete } = await this.inventory();
    if (complete.includes(id)) throw new Error(`backup ${id} exists already`);
    return mkdtemp(join(tmpdir(), `mp-backup-${id}-`));
  }

  async publish(id: string, staging: string): Promise<void> {
    try {
      const files = (await filesBelow(staging)).filter((path) => path !== MANIFEST_FILE);
      for (const path of [...files, MANIFEST_FILE]) {
        const local = join(staging, path);
        const { size } = await stat(local);
        await this.client.send(
          new PutObjectCommand({ Bucket: this.settings.bucket, Key: this.key(id, path), Body: createReadStream(local), ContentLength: size }),
        );
      }
    } finally {
      await rm(staging, { recursive: true, force: true });
    }
  }

  async inventory(): Promise<{ complete: string[]; incomplete: string[] }> {
    const seen = new Map<string, boolean>();
    for await (const object of listObjects(this.client, this.settings)) {
      const [id, ...rest] = object.key.slice(this.settings.prefix.length).split('/');
      if (!timeOfBackupId(id)) continue;
      seen.set(id, seen.get(id) === true || rest.join('/') === MANIFEST_FILE);
    }
    const names = [...seen.keys()].sort();
    return { complete: names.filter((id) => seen.get(id)), incomplete: names.filter((id) => !seen.get(id)) };
  }

  async open(id: string): Promise<{ dir: string; release(): Promise<void> }> {
    if (!timeOfBackupId(id)) throw new Error(`not a backup name: ${id}`);
    const dir = await mkdtemp(join(tmpdir(), `mp-restore-${id}-`));
    const release = () => rm(dir, { recursive: true, force: true });
    try {
      let found = false;
      for await (const object of listObjects(this.client, this.settings, `${id}/`)) {
        const path = object.key.slice(this.key(id, '').length);
        found ||= path === MANIFEST_FILE;
        const target = pathInside(dir, path);
        await mkdir(dirname(target), { recursive: true });
        const reply = await this.client.send(new GetObjectCommand({ Bucket: this.settings.bucket, Key: object.key }));
        await pipeline(reply.Body as Readable, createWriteStream(target));
      }
      if (!found) throw new Error(`no complete backup ${id} in ${this.location}`);
      return { dir, release };
    } catch (error) {
      await release();
      throw error;
    }
  }

  async remove(id: string): Promise<void> {
    if (!timeOfBackupId(id)) throw new Error(`not a backup name: ${id}`);
    const keys: string[] = [];
    for await (const object of listObjects(this.client, this.settings, `${id}/`)) keys.push(object.key);
    // One by one (16 at a time): DeleteObjects needs a Content-MD5 some S3 stand-ins insist on and the SDK no longer sends.
    for (let i = 0; i < keys.length; i += 16) {
      await Promise.all(keys.slice(i, i + 16).map((Key) => this.client.send(new DeleteObjectCommand({ Bucket: this.settings.bucket, Key }))));
    }
  }
}

/** The store the environment names: BACKUP_S3_BUCKET if set, else BACKUP_DIR. */
export function backupStoreOf(env: BackupEnv): BackupStore {
  if (env.BACKUP_S3_BUCKET) {
    const settings = backupBucketOf(env);
    return new BucketBackupStore(s3ClientOf(settings), settings);
  }
  return new FolderBackupStore(env.BACKUP_DIR!);
}
