import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { join, relative } from 'node:path';
import { queryDatabase } from '../../apps/auth/test/auth-test-harness';
import { eventually, jpeg, postUpload, wxUploadBody } from '../../apps/upload/test/upload-fixtures';
import { LocalCluster } from '../../tools/stack/local-cluster';
import { createTestCluster, sleep, signClusterToken } from './cluster-fixture';

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

function listFiles(root: string): string[] {
  if (!existsSync(root)) return [];
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else found.push(relative(root, path));
    }
  };
  walk(root);
  return found.sort();
}

/** Sends a multipart body to `url` in small chunks with pauses, as a phone on a slow network does; resolves with the status or the network error. */
function slowUpload(
  url: string,
  token: string,
  body: { body: Buffer; contentType: string },
  chunk: number,
  pauseMs: number,
): Promise<{ status: number; body: any } | { error: string }> {
  return new Promise((resolve) => {
    const target = new URL(`${url}/api/uploads`);
    const req = httpRequest(
      {
        host: target.hostname,
        port: target.port,
        path: target.pathname,
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': body.contentType, 'content-length': body.body.length },
      },
      (res) => {
        let text = '';
        res.on('data', (data) => (text += data));
        res.on('end', () => {
          try {
            resolve({ status: res.statusCode!, body: JSON.parse(text) });
          } catch {
            resolve({ status: res.statusCode!, body: text });
          }
        });
        res.on('error', (error) => resolve({ error: error.message }));
      },
    );
    req.on('error', (error) => resolve({ error: error.message }));
    let offset = 0;
    const next = () => {
      if (offset >= body.body.length) return req.end();
      const piece = body.body.subarray(offset, offset + chunk);
      offset += piece.length;
      req.write(piece, () => setTimeout(next, pauseMs));
    };
    next();
  });
}

describe('upload: 2 replicas as separate processes behind the real HAProxy, sharing the local storage directory', () => {
  let cluster: LocalCluster;
  let token: string;
  let storage: string;
  const replicaUrl = (name: string) => `http://127.0.0.1:${cluster.requireReplica(name).port}`;
  const query = <T = Record<string, unknown>>(sql: string, params: unknown[] = []) =>
    queryDatabase<T>(
      `${(process.env.MYSQL_ADMIN_URL ?? 'mysql://root@127.0.0.1:3306/mysql').replace(/\/[^/]*$/, '')}/${cluster.options.databasePrefix}upload`,
      sql,
      params,
    );

  beforeAll(async () => {
    cluster = createTestCluster(
      { upload: 2 },
      { UPLOAD_MAX_BYTES: String(8 * 1024 * 1024), UPLOAD_STREAM_TIMEOUT_MS: '10000', UPLOAD_INTENT_GRACE_MS: '1000', UPLOAD_SWEEP_INTERVAL_MS: '1000' },
    );
    await cluster.start();
    storage = join(cluster.options.workDir, 'uploads');
    token = await signClusterToken(cluster, {
      subject: '01HZC1VSTER0000000000000AA',
    });
  }, 90000);
  afterAll(() => cluster?.stop(), 60000);

  it('a file uploaded through one replica is read, with its thumbnail, through the other and through HAProxy', async () => {
    const bytes = await jpeg(1024, 768, { noise: true, quality: 80 });
    const stored = await postUpload(replicaUrl('upload-1'), token, wxUploadBody(bytes));
    expect(stored.status).toBe(201);
    for (const base of [replicaUrl('upload-2'), cluster.publicUrl]) {
      const content = await fetch(`${base}/api/uploads/${stored.body.id}/content`, { headers: { authorization: `Bearer ${token}` } });
      expect(content.status).toBe(200);
      expect(sha256(Buffer.from(await content.arrayBuffer()))).toBe(sha256(bytes));
      // The signed link works on any replica: they share the signing secret.
      expect((await fetch(`${base}${stored.body.url}`)).status).toBe(200);
    }
    const thumb = await eventually(async () => {
      const response = await fetch(`${replicaUrl('upload-2')}/api/uploads/${stored.body.id}/content?variant=thumb`, {
        headers: { authorization: `Bearer ${token}` },
      });
      const data = Buffer.from(await response.arrayBuffer());
      return response.headers.get('cache-control') === 'no-cache' ? undefined : data;
    }, 15000);
    expect(thumb.length).toBeLessThan(bytes.length);
    const ranged = await fetch(`${cluster.publicUrl}/api/uploads/${stored.body.id}/content`, {
      headers: { authorization: `Bearer ${token}`, range: 'bytes=1000-1999' },
    });
    expect(ranged.status).toBe(206);
    expect(Buffer.from(await ranged.arrayBuffer()).equals(bytes.subarray(1000, 2000))).toBe(true);
  });

  it('SIGKILL of a replica during uploads leaves no half-file at any key, no orphan row, and the sweeper clears what it left', async () => {
    const files = await Promise.all(Array.from({ length: 8 }, (_, i) => jpeg(900 + i, 700, { noise: true, quality: 92 })));
    const bodies = files.map((file, i) => wxUploadBody(file, `photo-${i}.jpg`));
    const before = new Set((await query<{ id: string }>('SELECT id FROM uploads')).map((row) => row.id));
    // Slow clients: each upload takes about 2 s, so the kill lands in the middle of them.
    const uploads = bodies.map((body, i) => slowUpload(i % 2 ? replicaUrl('upload-2') : replicaUrl('upload-1'), token, body, 32 * 1024, 40));
    await sleep(700);
    cluster.requireReplica('upload-1').process.signal('SIGKILL');
    const results = await Promise.all(uploads);

    const succeeded = results.flatMap((result, i) => ('status' in result && result.status === 201 ? [{ id: result.body.id as string, i }] : []));
    const failed = results.filter((result) => !('status' in result && result.status === 201));
    process.stdout.write(`uploads during SIGKILL: ${succeeded.length} stored, ${failed.length} cut off\n`);
    expect(succeeded.length).toBeGreaterThanOrEqual(4);
    expect(failed.length).toBeGreaterThanOrEqual(1);

    const rows = (await query<{ id: string; storage_key: string; size: number; sha256: string }>('SELECT id, storage_key, size, sha256 FROM uploads')).filter(
      (row) => !before.has(row.id),
    );
    const answered = new Set(succeeded.map((s) => s.id));
    expect(rows.map((row) => row.id)).toEqual(expect.arrayContaining([...answered]));
    // A replica killed after recording an upload but before its answer left is a whole upload its client never heard of.
    for (const row of rows.filter((candidate) => !answered.has(candidate.id))) {
      const onDisk = sha256(readFileSync(join(storage, row.storage_key)));
      expect({ id: row.id, whole: files.some((file) => sha256(file) === onDisk) }).toEqual({ id: row.id, whole: true });
    }
    for (const { id, i } of succeeded) {
      const row = rows.find((r) => r.id === id)!;
      const onDisk = readFileSync(join(storage, row.storage_key));
      expect({ id, size: onDisk.length, sha: sha256(onDisk) }).toEqual({ id, size: files[i].length, sha: sha256(files[i]) });
    }
    // What the killed replica was writing is in scratch, or (killed between storing and recording it) at a key with
    // no row: never served, since reads go through the row, and held by an intent that the sweeper settles below.
    const owners = new Set((await query<{ id: string }>('SELECT id FROM uploads')).map((row) => row.id));

    // The surviving replica's sweeper removes the dead one's intents and partial files once they are due.
    await eventually(async () => ((await query('SELECT id FROM upload_intents')).length === 0 ? true : undefined), 30000);
    await eventually(async () => (listFiles(join(storage, '.partial')).length === 0 ? true : undefined), 30000);
    expect(listFiles(storage).filter((file) => !owners.has(file.split('/').pop()!))).toEqual([]);

    await cluster.restartReplica('upload-1');
    await cluster.waitForBalancerStatus('upload-1', 'UP', 15000);
  }, 90000);

  it('20 concurrent uploads through HAProxy all land, spread over both replicas, each readable back', async () => {
    const files = await Promise.all(Array.from({ length: 20 }, (_, i) => jpeg(200 + i, 150, { noise: true })));
    const replies = await Promise.all(files.map((file, i) => postUpload(cluster.publicUrl, token, wxUploadBody(file, `c-${i}.jpg`))));
    expect(replies.map((reply) => reply.status)).toEqual(Array(20).fill(201));
    for (const [i, reply] of replies.entries()) {
      const content = await fetch(`${cluster.publicUrl}/api/uploads/${reply.body.id}/content`, { headers: { authorization: `Bearer ${token}` } });
      expect(sha256(Buffer.from(await content.arrayBuffer()))).toBe(sha256(files[i]));
    }
  });
});
