import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

/** A file's length and SHA-256, as the manifest records them. */
export interface FileDigest {
  bytes: number;
  sha256: string;
}

/** Reads `path` once and returns its length and SHA-256 (hex). */
export async function digestFile(path: string): Promise<FileDigest> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of createReadStream(path)) {
    hash.update(chunk as Buffer);
    bytes += (chunk as Buffer).length;
  }
  return { bytes, sha256: hash.digest('hex') };
}
