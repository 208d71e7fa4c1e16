import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream, mkdirSync } from 'node:fs';
import { mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ByteRange, ObjectMissingError, StorageDriver } from './storage-driver';

const KEY = /^[a-z]+(\/[A-Za-z0-9_-]+)+$/;
const SCRATCH = '.partial';

/**
 * Objects as files under one directory (a single VM, or replicas sharing a volume). A put writes to a
 * scratch file, fsyncs it and renames it into place, so a key never shows a partial file.
 */
export class LocalStorageDriver implements StorageDriver {
  readonly kind = 'local';
  private readonly root: string;
  private readonly scratch: string;

  constructor(directory: string) {
    this.root = resolve(directory);
    this.scratch = join(this.root, SCRATCH);
    mkdirSync(this.scratch, { recursive: true });
  }

  /** Absolute path of a key, refusing anything that is not one of our keys or would leave the root. */
  pathOf(key: string): string {
    const path = resolve(this.root, key);
    if (!KEY.test(key) || !path.startsWith(this.root + sep)) throw new Error(`invalid storage key ${JSON.stringify(key)}`);
    return path;
  }

  async put(key: string, source: Readable, _contentType: () => string): Promise<void> {
    const target = this.pathOf(key);
    const partial = join(this.scratch, `${randomUUID()}.part`);
    const sink = createWriteStream(partial, { flags: 'wx' });
    try {
      await pipeline(source, sink);
      const handle = await open(partial, 'r+');
      try {
        await handle.sync();
      } finally {
        await handle.close();
      }
      await mkdir(dirname(target), { recursive: true });
      await rename(partial, target);
    } catch (error) {
      source.destroy();
      // A stream destroyed before its file was open still opens (creates) it, then closes: remove it only after that.
      if (!sink.closed) await once(sink, 'close').catch(() => undefined);
      await rm(partial, { force: true });
      throw error;
    }
  }

  async read(key: string, range?: ByteRange): Promise<Readable> {
    try {
      const handle = await open(this.pathOf(key), 'r');
      return handle.createReadStream(range ? { start: range.start, end: range.end } : {});
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new ObjectMissingError(key);
      throw error;
    }
  }

  async size(key: string): Promise<number | undefined> {
    try {
      return (await stat(this.pathOf(key))).size;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    await rm(this.pathOf(key), { force: true });
  }

  async sweepScratch(ageMs: number): Promise<number> {
    const cutoff = Date.now() - ageMs;
    let removed = 0;
    for (const name of await readdir(this.scratch)) {
      const path = join(this.scratch, name);
      const info = await stat(path).catch(() => undefined);
      if (info && info.mtimeMs < cutoff) {
        await rm(path, { force: true });
        removed++;
      }
    }
    return removed;
  }
}
