import { readFile } from 'node:fs/promises';
import { isAbsolute, join, normalize, sep } from 'node:path';
import { digestFile, FileDigest } from './file-digest';

/** The name of the manifest inside a backup folder; it is written last, so a folder without it is incomplete. */
export const MANIFEST_FILE = 'manifest.json';

/** One service's database dump. */
export interface DatabaseDump {
  service: string;
  database: string;
  /** Where it was dumped from: host:port (never the user or password). */
  source: string;
  tables: number;
  /** The gzipped dump, relative to the backup folder. */
  file: string;
}

/** The upload files: copied (local driver) or listed (S3 driver, whose bucket versioning keeps the bytes). */
export type UploadsPart =
  | { driver: 'local'; source: string; files: number; bytes: number }
  | { driver: 's3'; bucket: string; prefix: string; versioning: string; objects: number; bytes: number; file: string };

/** manifest.json: what the backup holds, and every file's length and SHA-256. */
export interface BackupManifest {
  format: 1;
  id: string;
  startedAt: string;
  finishedAt: string;
  host: string;
  tool: { dump: string; version: string };
  databases: DatabaseDump[];
  uploads: UploadsPart;
  /** Every file of the backup but the manifest, relative to the folder (POSIX separators). */
  files: ({ path: string } & FileDigest)[];
}

/** A backup whose files are missing or differ from what its manifest says. */
export class BackupCorruptError extends Error {
  constructor(readonly problems: string[]) {
    super(`backup does not match its manifest: ${problems.slice(0, 10).join('; ')}${problems.length > 10 ? ` (+${problems.length - 10} more)` : ''}`);
  }
}

/** `relative` inside `dir`, refusing absolute paths and `..` (a manifest must not name files outside its folder). */
export function pathInside(dir: string, relative: string): string {
  const clean = normalize(relative);
  if (isAbsolute(relative) || clean === '..' || clean.startsWith(`..${sep}`)) throw new Error(`unsafe path in manifest: ${relative}`);
  return join(dir, clean);
}

/** Reads a backup folder's manifest. */
export async function readManifest(dir: string): Promise<BackupManifest> {
  const manifest = JSON.parse(await readFile(join(dir, MANIFEST_FILE), 'utf8')) as BackupManifest;
  if (manifest.format !== 1) throw new Error(`unknown backup format ${String(manifest.format)}`);
  return manifest;
}

/** Checks every file the manifest lists (length and SHA-256); throws BackupCorruptError naming each that differs. */
export async function verifyBackup(dir: string, manifest: BackupManifest): Promise<void> {
  const problems: string[] = [];
  for (const file of manifest.files) {
    try {
      const actual = await digestFile(pathInside(dir, file.path));
      if (actual.bytes !== file.bytes) problems.push(`${file.path}: ${actual.bytes} bytes, manifest says ${file.bytes}`);
      else if (actual.sha256 !== file.sha256) problems.push(`${file.path}: sha256 ${actual.sha256}, manifest says ${file.sha256}`);
    } catch (error) {
      problems.push(`${file.path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
  }
  const listed = new Set(manifest.files.map((file) => file.path));
  for (const dump of manifest.databases) if (!listed.has(dump.file)) problems.push(`${dump.file}: not in the manifest's files`);
  if (problems.length) throw new BackupCorruptError(problems);
}
