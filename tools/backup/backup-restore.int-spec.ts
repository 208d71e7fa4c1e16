import { randomBytes } from 'node:crypto';
import { chmodSync, cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnection } from 'mysql2/promise';
import { loadConfig } from '#libs/config';
import { dropServiceDatabase, parseMysqlUrl } from '#libs/database';
import { MYSQL_ADMIN_URL, requestJson } from '#libs/testing';
import { orderBody, OrdersHarness, startOrdersHarness } from '../../apps/orders/test/orders-test-harness';
import { eventually, jpeg, postUpload, wxUploadBody } from '../../apps/upload/test/upload-fixtures';
import { startUploadHarness, UploadHarness } from '../../apps/upload/test/upload-test-harness';
import { BackupEnv } from './backup-env';
import { BackupCorruptError, BackupManifest } from './backup-manifest';
import { FolderBackupStore } from './backup-store';
import { createBackup } from './create-backup';
import { digestFile } from './file-digest';
import { findMysqlTools, MysqlTools } from './mysql-tools';
import { restoreBackup } from './restore-backup';
import { localUploadFiles } from './upload-files';

type Rows = Record<string, unknown>[];

async function onDatabase<T>(url: string, use: (query: (sql: string) => Promise<Rows>) => Promise<T>): Promise<T> {
  const { host, port, username, password, database } = parseMysqlUrl(url);
  const connection = await createConnection({ host, port, user: username, password, database, timezone: 'Z', supportBigNumbers: true, bigNumberStrings: true });
  try {
    return await use(async (sql) => (await connection.query(sql))[0] as Rows);
  } finally {
    await connection.end();
  }
}

/** Every row of every table (sorted), and MariaDB's CHECKSUM TABLE of each, per service. */
async function snapshotDatabases(urls: Record<string, string>) {
  const snapshot: Record<string, { rows: Record<string, string[]>; checksums: Record<string, string> }> = {};
  for (const [service, url] of Object.entries(urls)) {
    snapshot[service] = await onDatabase(url, async (query) => {
      const tables = (await query('SELECT TABLE_NAME AS name FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME')).map((t) =>
        String(t.name),
      );
      const rows: Record<string, string[]> = {};
      const checksums: Record<string, string> = {};
      for (const table of tables) {
        rows[table] = (await query(`SELECT * FROM \`${table}\``)).map((row) => JSON.stringify(row)).sort();
        checksums[table] = String((await query(`CHECKSUM TABLE \`${table}\``))[0].Checksum);
      }
      return { rows, checksums };
    });
  }
  return snapshot;
}

async function snapshotFiles(root: string): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  for (const path of await localUploadFiles(root)) files[path] = (await digestFile(join(root, path))).sha256;
  return files;
}

async function databaseExists(name: string): Promise<boolean> {
  const { host, port, username, password } = parseMysqlUrl(MYSQL_ADMIN_URL);
  const admin = await createConnection({ host, port, user: username, password });
  try {
    const [rows] = await admin.query('SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?', [name]);
    return (rows as unknown[]).length > 0;
  } finally {
    await admin.end();
  }
}

/** Wrappers around the real dump tool and client that record their argument lists and environment, to look for passwords. */
function recordingTools(dir: string): { tools: MysqlTools; recorded: () => string } {
  const real = findMysqlTools();
  const log = join(dir, 'invocations.log');
  writeFileSync(log, '');
  const wrap = (name: string, target: string) => {
    const path = join(dir, name);
    writeFileSync(
      path,
      `#!/bin/sh\nprintf 'argv: %s\\n' "$*" >> '${log}'\nenv >> '${log}'\nstat -c 'mode %a' "\${1#--defaults-extra-file=}" >> '${log}'\nexec '${target}' "$@"\n`,
    );
    chmodSync(path, 0o755);
    return path;
  };
  return { tools: { ...real, dump: wrap('dump', real.dump), client: wrap('client', real.client) }, recorded: () => readFileSync(log, 'utf8') };
}

describe('npm run backup / restore: a seeded stack backed up, dropped and restored row for row (real MariaDB, real files)', () => {
  let orders: OrdersHarness | undefined;
  let upload: UploadHarness | undefined;
  let work: string;
  let urls: Record<string, string>;
  let env: BackupEnv;
  let tools: MysqlTools;
  let recorded: () => string;
  const logged: string[] = [];
  const log = (event: string, fields: Record<string, unknown> = {}) => void logged.push(JSON.stringify({ event, ...fields }));
  let before: Awaited<ReturnType<typeof snapshotDatabases>>;
  let filesBefore: Record<string, string>;
  let manifest: BackupManifest;
  let skus: string[];

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'backup-test-'));
    ({ tools, recorded } = recordingTools(work));
    orders = await startOrdersHarness();
    upload = await startUploadHarness();
    urls = { auth: orders.auth.databaseUrl, catalog: orders.catalog.databaseUrl, orders: orders.databaseUrl, upload: upload.env.DATABASE_URL };
    env = loadConfig(BackupEnv, {
      AUTH_DATABASE_URL: urls.auth,
      CATALOG_DATABASE_URL: urls.catalog,
      ORDERS_DATABASE_URL: urls.orders,
      UPLOAD_DATABASE_URL: urls.upload,
      MYSQL_ADMIN_URL,
      UPLOAD_LOCAL_DIR: upload.storageDir,
      BACKUP_DIR: join(work, 'backups'),
    });

    // Users, stock, an open order with two lines and a cancelled one (its history and released stock), uploads.
    skus = await orders.seedSkus([
      { name: 'A', priceFen: 1200, stock: 10 },
      { name: 'B', priceFen: 3400, stock: 5 },
    ]);
    const alice = await orders.login('alice');
    const bob = await orders.login('bob');
    const placed = await requestJson(`${orders.url}/api/orders`, {
      token: alice.token,
      body: orderBody([
        { skuId: skus[0], quantity: 2 },
        { skuId: skus[1], quantity: 1 },
      ]),
    });
    expect(placed.status).toBe(201);
    const other = await requestJson(`${orders.url}/api/orders`, { token: bob.token, body: orderBody([{ skuId: skus[0], quantity: 3 }]) });
    expect(other.status).toBe(201);
    expect((await requestJson(`${orders.url}/api/orders/${other.body.id}/cancel`, { method: 'POST', token: bob.token })).status).toBe(200);
    for (const [token, bytes, query] of [
      [await upload.userToken(), await jpeg(640, 480), ''],
      [await upload.userToken(), await jpeg(800, 600, { noise: true }), ''],
      [await upload.staffToken(), await jpeg(300, 200), '?public=true'],
    ] as const) {
      expect((await postUpload(upload.url, token, wxUploadBody(bytes), query)).status).toBe(201);
    }
    await eventually(async () => ((await upload!.query("SELECT id FROM uploads WHERE thumb_status = 'pending'")).length === 0 ? true : undefined));

    before = await snapshotDatabases(urls);
    filesBefore = await snapshotFiles(upload.storageDir);
  }, 120000);

  afterAll(async () => {
    await orders?.close();
    await upload?.close();
    for (const url of Object.values(urls ?? {})) await dropServiceDatabase(MYSQL_ADMIN_URL, url).catch(() => undefined);
    rmSync(work, { recursive: true, force: true });
  });

  it('backs up, is dropped, restores into empty databases, and every row and upload byte is the same', async () => {
    expect(before.auth.rows.users.length).toBe(2);
    expect(before.orders.rows.orders.length).toBe(2);
    expect(before.orders.rows.order_items.length).toBe(3);
    expect(before.orders.rows.order_events.length).toBeGreaterThanOrEqual(3);
    expect(before.catalog.rows.skus.length).toBe(2);
    expect(before.upload.rows.uploads.length).toBe(3);
    const stock = await orders!.stockOf(skus[0]);
    expect(stock).toBe(8);
    expect(Object.keys(filesBefore).length).toBeGreaterThanOrEqual(6); // three files and their thumbnails

    const backupStart = Date.now();
    manifest = await createBackup({ env, store: new FolderBackupStore(env.BACKUP_DIR!), tools, log });
    const backupMs = Date.now() - backupStart;
    expect(manifest.databases.map((d) => [d.service, d.database])).toEqual(Object.entries(urls).map(([s, url]) => [s, parseMysqlUrl(url).database]));
    expect(manifest.uploads).toMatchObject({ driver: 'local', files: Object.keys(filesBefore).length });
    expect(manifest.files.every((f) => /^[0-9a-f]{64}$/.test(f.sha256) && f.bytes > 0)).toBe(true);
    expect(manifest.tool.version).toMatch(/Distrib|Ver/);
    // The databases did not change while they were dumped.
    expect(await snapshotDatabases(urls)).toEqual(before);

    // Drop everything: the services stop, their databases, users and files go.
    await orders!.close();
    await upload!.close();
    orders = upload = undefined;
    for (const url of Object.values(urls)) expect(await databaseExists(parseMysqlUrl(url).database)).toBe(false);
    expect(await localUploadFiles(env.UPLOAD_LOCAL_DIR)).toEqual([]);

    const restoreStart = Date.now();
    const summary = await restoreBackup({ env, dir: join(env.BACKUP_DIR!, manifest.id), tools, log });
    const restoreMs = Date.now() - restoreStart;
    expect(summary.uploads).toEqual({ copied: Object.keys(filesBefore).length, unchanged: 0 });

    const after = await snapshotDatabases(urls);
    expect(after).toEqual(before);
    expect(await onDatabase(urls.catalog, (q) => q(`SELECT stock FROM skus WHERE id = '${skus[0]}'`))).toEqual([{ stock: 8 }]);
    expect(await snapshotFiles(env.UPLOAD_LOCAL_DIR)).toEqual(filesBefore);

    const sizes = manifest.files.filter((f) => f.path.startsWith('databases/')).map((f) => `${f.path.slice(10)} ${f.bytes} B`);
    const uploads = `${Object.keys(filesBefore).length} upload files, ${manifest.uploads.bytes} B`;
    console.log(`backup ${backupMs} ms (${sizes.join(', ')}; ${uploads}), restore ${restoreMs} ms`);
  }, 120000);

  it('never puts a password on a command line, in the environment or in the log; the option file is 0600', () => {
    const passwords = Object.values(urls).map((url) => parseMysqlUrl(url).password);
    const invocations = recorded();
    expect(invocations).toMatch(/^argv: --defaults-extra-file=/m);
    expect(invocations.match(/^mode (\d+)$/gm)?.every((line) => line === 'mode 600')).toBe(true);
    for (const password of passwords) {
      expect(invocations.includes(password)).toBe(false);
      expect(logged.join('\n').includes(password)).toBe(false);
    }
  });

  it('refuses to restore into databases that have tables, unless told to overwrite', async () => {
    await expect(restoreBackup({ env, dir: join(env.BACKUP_DIR!, manifest.id), tools, log })).rejects.toThrow(
      /refusing to restore into databases that have tables/,
    );
    const again = await restoreBackup({ env, dir: join(env.BACKUP_DIR!, manifest.id), tools, log, overwrite: true });
    expect(again.uploads).toEqual({ copied: 0, unchanged: Object.keys(filesBefore).length });
    expect(await snapshotDatabases(urls)).toEqual(before);
  }, 60000);

  it('refuses a backup whose dump or upload file does not match its manifest, before touching any database', async () => {
    const corrupt = join(work, 'corrupt');
    cpSync(join(env.BACKUP_DIR!, manifest.id), corrupt, { recursive: true });
    const dump = join(corrupt, 'databases/orders.sql.gz');
    const bytes = readFileSync(dump);
    bytes[Math.floor(bytes.length / 2)] ^= 0xff;
    writeFileSync(dump, bytes);
    const anUpload = manifest.files.find((f) => f.path.startsWith('uploads/'))!;
    writeFileSync(join(corrupt, anUpload.path), readFileSync(join(corrupt, anUpload.path)).subarray(1));

    const fresh = Object.fromEntries(
      Object.keys(urls).map((s) => [
        s,
        `mysql://r_${randomBytes(4).toString('hex')}:pw${randomBytes(6).toString('hex')}@127.0.0.1:3306/r_${s}_${randomBytes(4).toString('hex')}`,
      ]),
    );
    const target = loadConfig(BackupEnv, {
      AUTH_DATABASE_URL: fresh.auth,
      CATALOG_DATABASE_URL: fresh.catalog,
      ORDERS_DATABASE_URL: fresh.orders,
      UPLOAD_DATABASE_URL: fresh.upload,
      MYSQL_ADMIN_URL,
      UPLOAD_LOCAL_DIR: join(work, 'fresh-uploads'),
      BACKUP_DIR: work,
    });
    const refused = restoreBackup({ env: target, dir: corrupt, tools, log });
    await expect(refused).rejects.toBeInstanceOf(BackupCorruptError);
    await expect(refused).rejects.toThrow(/databases\/orders\.sql\.gz: sha256 [0-9a-f]{64}, manifest says/);
    await expect(refused).rejects.toThrow(new RegExp(`${anUpload.path}: ${anUpload.bytes - 1} bytes, manifest says ${anUpload.bytes}`));
    for (const url of Object.values(fresh)) expect(await databaseExists(parseMysqlUrl(url).database)).toBe(false);
    expect(await localUploadFiles(join(work, 'fresh-uploads'))).toEqual([]);
  });
});
