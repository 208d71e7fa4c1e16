import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { accessSync, constants, createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';
import { createConnection } from 'mysql2/promise';
import { MysqlConnectionParts } from '#libs/database';

/** The dump tool and the client found on PATH, and which family they belong to. */
export interface MysqlTools {
  dump: string;
  client: string;
  flavor: 'mariadb' | 'mysql';
  /** `mariadb-dump --version`'s line, recorded in the manifest. */
  version: string;
}

function onPath(names: string[]): string | undefined {
  for (const name of names) {
    for (const dir of (process.env.PATH ?? '').split(':').filter(Boolean)) {
      try {
        accessSync(join(dir, name), constants.X_OK);
        return join(dir, name);
      } catch {
        // not in this directory
      }
    }
  }
  return undefined;
}

/** mariadb-dump and mariadb if installed, else mysqldump and mysql; throws when neither is. */
export function findMysqlTools(): MysqlTools {
  const dump = onPath(['mariadb-dump', 'mysqldump']);
  const client = onPath(['mariadb', 'mysql']);
  if (!dump || !client) throw new Error('mariadb-dump/mysqldump and mariadb/mysql must be on PATH (Debian: apt-get install mariadb-client)');
  const version = spawnSync(dump, ['--version'], { encoding: 'utf8' }).stdout.trim();
  return { dump, client, flavor: /mariadb/i.test(version) ? 'mariadb' : 'mysql', version };
}

/** The dump options: one consistent InnoDB snapshot, routines and triggers, binary columns as hex, no server-wide state. */
function dumpArguments(tools: MysqlTools): string[] {
  const common = ['--single-transaction', '--quick', '--routines', '--triggers', '--hex-blob', '--default-character-set=utf8mb4', '--no-tablespaces'];
  // Oracle's mysqldump: no GTID_PURGED (a service user cannot set it on restore), no column statistics (MariaDB has none).
  return tools.flavor === 'mysql' ? [...common, '--set-gtid-purged=OFF', '--column-statistics=0'] : common;
}

function optionValue(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/**
 * Runs `use` with a [client] option file holding the credentials (mode 0600 in a private temporary directory, removed
 * afterwards): the password never appears on a command line (`ps`) or in the environment of the child.
 */
export async function withCredentialsFile<T>(parts: MysqlConnectionParts, use: (file: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'mp-backup-'));
  const file = join(dir, 'client.cnf');
  try {
    const lines = ['[client]', `host=${optionValue(parts.host)}`, `port=${parts.port}`, `user=${optionValue(parts.username)}`];
    if (parts.password) lines.push(`password=${optionValue(parts.password)}`);
    await writeFile(file, `${lines.join('\n')}\n`, { mode: 0o600 });
    return await use(file);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Waits for the child and for the stream piped to or from it; the child's own error (with its stderr) wins. */
async function finished(child: ChildProcess, what: string, piped: Promise<void>): Promise<void> {
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    if (stderr.length < 16384) stderr += chunk.toString('utf8');
  });
  const exited = new Promise<void>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => {
      if (code === 0) resolve();
      else reject(new Error(`${what} failed (${signal ?? `exit ${code}`}): ${stderr.trim().slice(-2000)}`));
    });
  });
  const [stream, exit] = await Promise.allSettled([
    piped.catch((error: unknown) => {
      child.kill();
      throw error;
    }),
    exited,
  ]);
  if (exit.status === 'rejected') throw exit.reason;
  if (stream.status === 'rejected') throw stream.reason;
}

/** Dumps one database into `target`, gzipped. */
export async function dumpDatabase(tools: MysqlTools, parts: MysqlConnectionParts, target: string): Promise<void> {
  await withCredentialsFile(parts, async (file) => {
    const child = spawn(tools.dump, [`--defaults-extra-file=${file}`, ...dumpArguments(tools), parts.database], { stdio: ['ignore', 'pipe', 'pipe'] });
    await finished(child, `${basename(tools.dump)} ${parts.database}`, pipeline(child.stdout, createGzip(), createWriteStream(target)));
  });
}

/** Feeds a gzipped dump to the client, into `parts.database`. */
export async function loadDump(tools: MysqlTools, parts: MysqlConnectionParts, source: string): Promise<void> {
  await withCredentialsFile(parts, async (file) => {
    const child = spawn(tools.client, [`--defaults-extra-file=${file}`, '--default-character-set=utf8mb4', '--batch', parts.database], {
      stdio: ['pipe', 'ignore', 'pipe'],
    });
    await finished(child, `${basename(tools.client)} ${parts.database}`, pipeline(createReadStream(source), createGunzip(), child.stdin));
  });
}

/** How many tables the database has (0: empty, safe to restore into). */
export async function countTables(parts: MysqlConnectionParts): Promise<number> {
  const connection = await createConnection({ host: parts.host, port: parts.port, user: parts.username, password: parts.password, database: parts.database });
  try {
    const [rows] = await connection.query('SELECT COUNT(*) AS n FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()');
    return Number((rows as { n: number }[])[0].n);
  } finally {
    await connection.end();
  }
}
