import Fastify, { FastifyInstance } from 'fastify';
import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { IncomingHttpHeaders, request } from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gunzipSync } from 'node:zlib';
import { COMPRESSION_THRESHOLD_BYTES, installResponseCompression } from '#libs/bootstrap';
import { freePort } from '#libs/testing';
import { serverStates } from './haproxy-runtime';
import { renderHaproxyConfig } from './render-haproxy-config';

interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  /** The bytes as they came over the wire (not decoded). */
  body: Buffer;
}

function get(port: number, path: string, headers: Record<string, string> = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers, agent: false, timeout: 5000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${path}: no answer within 5 s`)));
    req.on('error', reject);
    req.end();
  });
}

const products = (count: number) => ({
  items: Array.from({ length: count }, (_, i) => ({
    id: `01J${String(i).padStart(23, '0')}`,
    title: `有机茶 ${i}`,
    priceFen: 1000 + i,
    coverUrl: `/api/uploads/${i}/content`,
  })),
  nextCursor: null,
});

/**
 * The apps compress (libs/bootstrap, response-compression.ts) and HAProxy passes it through: a Fastify app with the same
 * compression set-up as every service, behind HAProxy rendered from the template.
 */
describe('compressed answers through HAProxy', () => {
  let dir: string;
  let app: FastifyInstance;
  let haproxy: ChildProcess;
  let haproxyOutput = '';
  let publicPort: number;
  const image = randomBytes(20_000);
  const svg = `<svg xmlns="http://www.w3.org/2000/svg">${'<rect width="1" height="1"/>'.repeat(500)}</svg>`;
  const css = `.swagger-ui .opblock { margin: 0 0 15px; }\n`.repeat(200);
  const through = (path: string, headers?: Record<string, string>) => get(publicPort, path, headers);
  const gzip = { 'accept-encoding': 'gzip, deflate, br' };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'haproxy-compression-'));
    app = Fastify();
    await installResponseCompression(app);
    // As @fastify/static serves the Swagger UI assets: a stream whose size the plugin does not know.
    app.get('/api/docs/swagger-ui.css', (_request, reply) => reply.type('text/css; charset=utf-8').send(Readable.from([css])));
    app.get('/health/ready', () => ({ status: 'ok' }));
    app.get('/api/catalog/products', () => products(100));
    app.get('/api/catalog/small', () => products(1));
    app.get('/api/uploads/photo', (_request, reply) => reply.type('image/png').send(image));
    app.get('/api/uploads/drawing', (_request, reply) => reply.type('image/svg+xml').send(svg));
    await app.listen({ host: '127.0.0.1', port: 0 });
    const port = (app.server.address() as AddressInfo).port;

    publicPort = await freePort();
    const socket = join(dir, 'admin.sock');
    const server = (service: string) => [{ name: `${service}-1`, host: '127.0.0.1', port }];
    const config = renderHaproxyConfig({
      publicBind: `127.0.0.1:${publicPort}`,
      statsBind: `127.0.0.1:${await freePort()}`,
      runtimeSocket: socket,
      backends: { auth: server('auth'), catalog: server('catalog'), orders: [], upload: server('upload') },
    });
    writeFileSync(join(dir, 'haproxy.cfg'), config);
    haproxy = spawn('haproxy', ['-db', '-f', join(dir, 'haproxy.cfg')], { stdio: ['ignore', 'ignore', 'pipe'] });
    haproxy.stderr?.on('data', (chunk: Buffer) => (haproxyOutput = (haproxyOutput + chunk.toString()).slice(-4000)));
    const deadline = Date.now() + 5000;
    for (;;) {
      const states = await serverStates(socket).catch(() => []);
      if (states.filter((s) => ['auth', 'catalog', 'upload'].includes(s.backend) && s.raw === 'UP').length === 3) break;
      if (Date.now() > deadline || haproxy.exitCode !== null) throw new Error(`HAProxy did not come up:\n${haproxyOutput}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }, 15_000);

  afterAll(async () => {
    if (haproxy?.pid !== undefined && haproxy.exitCode === null) {
      const exited = new Promise((resolve) => haproxy.once('exit', resolve));
      haproxy.kill('SIGTERM');
      await exited;
    }
    await app?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('gzips a large JSON answer for a client that accepts gzip, and the bytes decompress to the plain answer', async () => {
    const [compressed, plain] = await Promise.all([through('/api/catalog/products', gzip), through('/api/catalog/products')]);
    expect(compressed.status).toBe(200);
    expect(compressed.headers['content-encoding']).toBe('gzip');
    expect(compressed.headers.vary).toMatch(/accept-encoding/i);
    expect(compressed.headers['content-type']).toMatch(/^application\/json/);
    expect(gunzipSync(compressed.body).equals(plain.body)).toBe(true);
    expect(plain.body.length).toBeGreaterThan(COMPRESSION_THRESHOLD_BYTES);
    expect(compressed.body.length).toBeLessThan(plain.body.length / 4);
  });

  it('sends the same answer as it is to a client that does not accept gzip, saying that it varies', async () => {
    for (const headers of [{}, { 'accept-encoding': 'identity' }, { 'accept-encoding': 'gzip;q=0' }] as Record<string, string>[]) {
      const reply = await through('/api/catalog/products', headers);
      expect(reply.headers['content-encoding']).toBeUndefined();
      expect(reply.headers.vary).toMatch(/accept-encoding/i);
      expect(JSON.parse(reply.body.toString('utf8'))).toEqual(products(100));
    }
  });

  it(`never compresses an answer below ${COMPRESSION_THRESHOLD_BYTES} bytes`, async () => {
    const reply = await through('/api/catalog/small', gzip);
    expect(reply.headers['content-encoding']).toBeUndefined();
    expect(reply.body.length).toBeLessThan(COMPRESSION_THRESHOLD_BYTES);
    expect(JSON.parse(reply.body.toString('utf8'))).toEqual(products(1));
  });

  it('never compresses an image, not even an SVG that mime-db calls compressible', async () => {
    const photo = await through('/api/uploads/photo', gzip);
    expect(photo.headers['content-type']).toBe('image/png');
    expect(photo.headers['content-encoding']).toBeUndefined();
    expect(photo.body.equals(image)).toBe(true);
    const drawing = await through('/api/uploads/drawing', gzip);
    expect(drawing.headers['content-encoding']).toBeUndefined();
    expect(drawing.body.toString('utf8')).toBe(svg);
  });

  it("gzips the API document page's CSS, streamed as a static file is", async () => {
    const reply = await through('/api/docs/swagger-ui.css', gzip);
    expect(reply.headers['content-type']).toMatch(/^text\/css/);
    expect(reply.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(reply.body).toString('utf8')).toBe(css);
  });

  it("passes HAProxy's own small answers through as they are", async () => {
    const reply = await through('/api/nowhere', gzip);
    expect(reply.status).toBe(404);
    expect(reply.headers['content-encoding']).toBeUndefined();
  });
});
