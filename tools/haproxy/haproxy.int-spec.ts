import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, IncomingHttpHeaders, request, Server } from 'node:http';
import { AddressInfo, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serverStates, setServerState, waitForServerStatus } from './haproxy-runtime';
import { renderHaproxyConfig } from './render-haproxy-config';

interface Replica {
  name: string;
  server: Server;
  port: number;
  /** 'destroy': accept /api requests, then close the socket without answering. */
  mode: 'ok' | 'destroy';
  apiRequests: { method: string; url: string }[];
}

interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

async function startReplica(name: string): Promise<Replica> {
  const replica = { name, mode: 'ok', apiRequests: [] } as unknown as Replica;
  replica.server = createServer((req, res) => {
    if (req.url === '/health/ready') return void res.end('{"status":"ok"}');
    replica.apiRequests.push({ method: req.method ?? '', url: req.url ?? '' });
    if (replica.mode === 'destroy') return void req.socket.destroy();
    let bytes = 0;
    req.on('data', (chunk: Buffer) => (bytes += chunk.length));
    req.on('end', () => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ server: name, bytes, requestId: req.headers['x-request-id'], forwardedFor: req.headers['x-forwarded-for'] }));
    });
  });
  await new Promise<void>((resolve) => replica.server.listen(0, '127.0.0.1', resolve));
  replica.port = (replica.server.address() as AddressInfo).port;
  return replica;
}

async function stopReplica(replica: Replica): Promise<void> {
  replica.server.closeAllConnections();
  await new Promise((resolve) => replica.server.close(resolve));
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function send(port: number, method: string, path: string, headers: Record<string, string> = {}, body?: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, headers, agent: false, timeout: 5000 }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${path}: no answer within 5 s`)));
    req.on('error', reject);
    req.end(body);
  });
}

/** Writes `parts` on a raw TCP connection (300 ms apart), reads until HAProxy closes it, and parses the one reply. */
function sendRaw(port: number, ...parts: string[]): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => socket.destroy(new Error('raw request: not closed within 5 s')), 5000);
    const writeParts = async () => {
      for (const part of parts) {
        socket.write(part);
        await new Promise((next) => setTimeout(next, 300));
      }
    };
    socket.on('connect', () => void writeParts());
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    // HAProxy may reset a connection it refused while the request is still arriving: the reply read so far counts.
    let failure: Error | undefined;
    socket.on('error', (error) => (failure = error));
    socket.on('close', () => {
      clearTimeout(timer);
      if (chunks.length === 0) return reject(failure ?? new Error('raw request: closed without a reply'));
      const text = Buffer.concat(chunks).toString('utf8');
      const [head, ...rest] = text.split('\r\n\r\n');
      const [statusLine, ...headerLines] = head.split('\r\n');
      const headers: IncomingHttpHeaders = {};
      for (const line of headerLines) headers[line.slice(0, line.indexOf(':')).toLowerCase()] = line.slice(line.indexOf(':') + 1).trim();
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3}) /.exec(statusLine)?.[1] ?? 0), headers, body: rest.join('\r\n\r\n') });
    });
  });
}

describe('HAProxy in front of two replicas', () => {
  let dir: string;
  let socket: string;
  let publicPort: number;
  let statsPort: number;
  let haproxy: ChildProcess;
  let haproxyOutput = '';
  let haproxyLog = '';
  let a: Replica;
  let b: Replica;
  const get = (path: string, headers?: Record<string, string>) => send(publicPort, 'GET', path, headers);
  const post = (path: string, headers: Record<string, string> = {}) =>
    send(publicPort, 'POST', path, { 'content-type': 'application/json', ...headers }, '{"n":1}');

  beforeAll(async () => {
    [a, b] = await Promise.all([startReplica('auth-a'), startReplica('auth-b')]);
    [publicPort, statsPort] = [await freePort(), await freePort()];
    dir = mkdtempSync(join(tmpdir(), 'haproxy-int-'));
    socket = join(dir, 'admin.sock');
    const config = renderHaproxyConfig({
      publicBind: `127.0.0.1:${publicPort}`,
      statsBind: `127.0.0.1:${statsPort}`,
      runtimeSocket: socket,
      backends: {
        auth: [a, b].map(({ name, port }) => ({ name, host: '127.0.0.1', port })),
        catalog: [],
        orders: [],
        upload: [],
      },
    });
    writeFileSync(join(dir, 'haproxy.cfg'), config);
    haproxy = spawn('haproxy', ['-db', '-f', join(dir, 'haproxy.cfg')], { stdio: ['ignore', 'pipe', 'pipe'] });
    haproxy.stdout?.on('data', (chunk: Buffer) => (haproxyLog += chunk.toString()));
    haproxy.stderr?.on('data', (chunk: Buffer) => (haproxyOutput = (haproxyOutput + chunk.toString()).slice(-4000)));
    haproxy.on('error', (error) => (haproxyOutput += `\n${error.message}`));

    const deadline = Date.now() + 5000;
    for (;;) {
      const states = await serverStates(socket).catch(() => []);
      if (states.filter((s) => s.backend === 'auth' && s.raw === 'UP').length === 2) break;
      if (Date.now() > deadline || haproxy.exitCode !== null || haproxy.pid === undefined) throw new Error(`HAProxy did not come up:\n${haproxyOutput}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }, 15_000);

  afterAll(async () => {
    if (haproxy?.pid !== undefined && haproxy.exitCode === null) {
      const exited = new Promise((resolve) => haproxy.once('exit', resolve));
      haproxy.kill('SIGTERM');
      const timer = setTimeout(() => haproxy.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(timer);
    }
    await Promise.all([a, b].filter(Boolean).map((replica) => (replica.server.listening ? stopReplica(replica) : Promise.resolve())));
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, 10_000);

  it('logs the path and the request id, never the query (signed links carry exp and sig)', async () => {
    const reply = await get('/api/auth/uploads/01J/content?exp=1893456000&sig=SIGNATUREVALUEAAAAAAAAAAAAAAAAAAAAAAAAAAAAA&variant=thumb', {
      'x-request-id': 'log-check-1',
    });
    expect(reply.status).toBe(200);
    const deadline = Date.now() + 3000;
    while (!haproxyLog.includes('log-check-1') && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    const line = haproxyLog.split('\n').find((entry) => entry.includes('log-check-1'));
    expect(line).toContain('"GET /api/auth/uploads/01J/content HTTP/1.1"');
    expect(haproxyLog).not.toMatch(/SIGNATUREVALUE|1893456000/);
  });

  it("announces its own keep-alive timeout, not the app's longer one", async () => {
    const reply = await get('/api/auth/me');
    expect(reply.headers['keep-alive']).toBe('timeout=9');
  });

  it('answers its own GET /health with 200', async () => {
    const reply = await get('/health');
    expect(reply.status).toBe(200);
    expect(JSON.parse(reply.body)).toEqual({ status: 'ok' });
  });

  it.each([
    '/nope',
    '/health/ready',
    '/health/live',
    '/metrics',
    '/api',
    '/api/authx',
    '/adminx',
    '/admin/../metrics',
    '/api/unknown/x',
    '/api/auth/../../metrics',
    '/api/auth/%2e%2e/metrics',
  ])('answers %s with the 404 envelope', async (path) => {
    const reply = await get(path);
    expect(reply.status).toBe(404);
    expect(reply.headers['content-type']).toBe('application/json');
    expect(JSON.parse(reply.body)).toEqual({ statusCode: 404, code: 'ROUTE_NOT_FOUND', message: 'No such route', requestId: reply.headers['x-request-id'] });
    expect(reply.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('routes /api/docs and the staff console (/admin) to auth, and /api/cart and /api/coupons to orders (here with no replicas: 503, not 404)', async () => {
    for (const path of ['/api/docs/openapi.json', '/admin', '/admin/', '/admin/products/01J', '/admin/assets/index-AbC123.js']) {
      const reply = await get(path);
      expect({ path, status: reply.status, server: (JSON.parse(reply.body) as { server: string }).server }).toEqual({
        path,
        status: 200,
        server: expect.stringMatching(/^auth-/),
      });
    }
    for (const path of ['/api/cart', '/api/cart/items/01J', '/api/coupons', '/api/coupons/mine']) {
      const reply = await get(path);
      expect({ path, status: reply.status, code: (JSON.parse(reply.body) as { code: string }).code }).toEqual({
        path,
        status: 503,
        code: 'SERVICE_UNAVAILABLE',
      });
    }
    expect((await get('/api/cartx')).status).toBe(404);
  });

  it('answers 503 in the envelope for a service with no replicas', async () => {
    const reply = await get('/api/catalog/home', { 'x-request-id': 'req-503' });
    expect(reply.status).toBe(503);
    expect(JSON.parse(reply.body)).toEqual({ statusCode: 503, code: 'SERVICE_UNAVAILABLE', message: 'Service unavailable', requestId: 'req-503' });
    expect(reply.headers['x-request-id']).toBe('req-503');
  });

  describe('errors HAProxy answers itself, over a raw connection', () => {
    const expectEnvelope = (reply: Reply, statusCode: number, code: string, requestId?: string) => {
      expect(reply.status).toBe(statusCode);
      expect(reply.headers['content-type']).toBe('application/json');
      expect(reply.headers['x-request-id']).toMatch(requestId ?? /^[0-9a-f-]{36}$/);
      expect(JSON.parse(reply.body)).toEqual({ statusCode, code, message: expect.any(String), requestId: reply.headers['x-request-id'] });
    };

    it('answers 503 SERVICE_UNAVAILABLE for a backend with no servers', async () => {
      expectEnvelope(await sendRaw(publicPort, 'GET /api/orders/1 HTTP/1.1\r\nHost: api\r\nConnection: close\r\n\r\n'), 503, 'SERVICE_UNAVAILABLE');
    });

    it("answers 400 VALIDATION_FAILED, with the caller's request id, for a chunked body that is not chunked", async () => {
      const reply = await sendRaw(
        publicPort,
        'POST /api/auth/x HTTP/1.1\r\nHost: api\r\nX-Request-Id: req-bad-chunk\r\nTransfer-Encoding: chunked\r\n\r\n',
        'zz\r\nabc\r\n0\r\n\r\n',
      );
      expectEnvelope(reply, 400, 'VALIDATION_FAILED', 'req-bad-chunk');
    });

    // HAProxy 2.6's HTTP/1 parser answers these before any stream or rule exists, with its built-in HTML
    // (only an empty errorfile is honoured there: haproxy/haproxy#3032). Refused with 400 and closed either way.
    const unparsable: [string, string][] = [
      ['a negative Content-Length', 'POST /api/auth/x HTTP/1.1\r\nHost: api\r\nContent-Length: -1\r\n\r\n'],
      ['an absolute URI whose authority is not the Host', 'GET http://x/api/auth/x HTTP/1.1\r\nHost: api\r\n\r\n'],
      ['headers over 64 KB', `GET /api/auth/x HTTP/1.1\r\nHost: api\r\nX-Big: ${'a'.repeat(70 * 1024)}\r\n\r\n`],
    ];
    it.each(unparsable)('refuses %s with 400 and closes the connection', async (_, request) => {
      const reply = await sendRaw(publicPort, request);
      expect(reply.status).toBe(400);
      expect(reply.headers.connection).toMatch(/close/i);
    });
    // Fails (so passes) on HAProxy 2.6; when it starts passing, the HAProxy in use honours the envelopes: make it an it.each.
    it.failing.each(unparsable)('answers %s with the JSON envelope (not on HAProxy 2.6)', async (_, request) => {
      expectEnvelope(await sendRaw(publicPort, request), 400, 'VALIDATION_FAILED');
    });
  });

  it('balances /api/auth over both replicas and forwards X-Request-Id and X-Forwarded-For', async () => {
    const replies = await Promise.all([1, 2, 3, 4].map(() => get('/api/auth/x')));
    expect(replies.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    const bodies = replies.map((r) => JSON.parse(r.body));
    expect(new Set(bodies.map((body) => body.server))).toEqual(new Set(['auth-a', 'auth-b']));
    replies.forEach((reply, i) => {
      expect(reply.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
      expect(bodies[i]).toMatchObject({ requestId: reply.headers['x-request-id'], forwardedFor: '127.0.0.1' });
    });
  });

  it('keeps a safe caller X-Request-Id and replaces an unsafe one', async () => {
    const kept = await get('/api/auth/x', { 'x-request-id': 'client-42.a_b:c' });
    expect(kept.headers['x-request-id']).toBe('client-42.a_b:c');
    expect(JSON.parse(kept.body).requestId).toBe('client-42.a_b:c');

    const replaced = await get('/api/auth/x', { 'x-request-id': 'bad"},"x":"y' });
    expect(replaced.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(JSON.parse(replaced.body).requestId).toBe(replaced.headers['x-request-id']);
  });

  it('streams a request body larger than a retry buffer', async () => {
    const body = 'x'.repeat(2 * 1024 * 1024);
    const reply = await send(publicPort, 'PUT', '/api/auth/me', { 'content-type': 'application/octet-stream' }, body);
    expect(reply.status).toBe(200);
    expect(JSON.parse(reply.body).bytes).toBe(body.length);
  });

  describe('when replica b drops requests without answering', () => {
    beforeEach(() => {
      b.mode = 'destroy';
      a.apiRequests = [];
      b.apiRequests = [];
    });
    afterEach(async () => {
      b.mode = 'ok';
      await setServerState(socket, 'auth', 'auth-a', 'ready');
    });

    it('redispatches GETs to replica a', async () => {
      const replies: Reply[] = [];
      for (let i = 0; i < 6; i++) replies.push(await get('/api/auth/x'));
      expect(replies.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 200]);
      expect(replies.every((r) => JSON.parse(r.body).server === 'auth-a')).toBe(true);
      expect(b.apiRequests.length).toBeGreaterThan(0);
    });

    it('does not replay a POST without Idempotency-Key', async () => {
      await setServerState(socket, 'auth', 'auth-a', 'drain');
      const reply = await post('/api/auth/logout');
      expect(reply.status).toBe(502);
      expect(JSON.parse(reply.body)).toMatchObject({ statusCode: 502, code: 'SERVICE_UNAVAILABLE', requestId: reply.headers['x-request-id'] });
      expect(b.apiRequests).toEqual([{ method: 'POST', url: '/api/auth/logout' }]);
      expect(a.apiRequests).toEqual([]);
    });

    it('does not replay a DELETE without Idempotency-Key', async () => {
      await setServerState(socket, 'auth', 'auth-a', 'drain');
      const reply = await send(publicPort, 'DELETE', '/api/auth/sessions/1');
      expect(reply.status).toBe(502);
      expect(b.apiRequests).toHaveLength(1);
    });

    it('retries a POST carrying an Idempotency-Key on replica a', async () => {
      const replies: Reply[] = [];
      for (let i = 0; i < 4; i++) replies.push(await post('/api/auth/phone', { 'idempotency-key': `key-${i}` }));
      expect(replies.map((r) => r.status)).toEqual([200, 200, 200, 200]);
      expect(replies.every((r) => JSON.parse(r.body).server === 'auth-a')).toBe(true);
      expect(b.apiRequests.filter((r) => r.method === 'POST').length).toBeGreaterThan(0);
    });
  });

  it('drains and readies a server through the runtime API', async () => {
    await setServerState(socket, 'auth', 'auth-b', 'drain');
    expect(await serverStates(socket)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ backend: 'auth', server: 'auth-a', status: 'UP' }),
        expect.objectContaining({ backend: 'auth', server: 'auth-b', status: 'DRAIN' }),
      ]),
    );
    for (let i = 0; i < 4; i++) expect(JSON.parse((await get('/api/auth/x')).body).server).toBe('auth-a');

    await setServerState(socket, 'auth', 'auth-b', 'maint');
    await waitForServerStatus(socket, 'auth', 'auth-b', 'MAINT', 1000);
    await setServerState(socket, 'auth', 'auth-b', 'ready');
    await waitForServerStatus(socket, 'auth', 'auth-b', 'UP', 3000);
    await expect(setServerState(socket, 'auth', 'auth-z', 'drain')).rejects.toThrow(/No such server/);
  });

  it('serves the stats page and Prometheus metrics on the stats address only', async () => {
    expect((await send(statsPort, 'GET', '/stats')).status).toBe(200);
    const metrics = await send(statsPort, 'GET', '/metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.body).toMatch(/^haproxy_server_status\{proxy="auth",server="auth-a"/m);
  });

  it('marks a stopped replica DOWN within 3 s while GETs and POSTs keep succeeding', async () => {
    await waitForServerStatus(socket, 'auth', 'auth-b', 'UP', 3000);
    const stoppedAt = Date.now();
    await stopReplica(b);
    const statuses: number[] = [];
    let downAfter = -1;
    while (downAfter < 0 && Date.now() - stoppedAt < 5000) {
      // A refused connection sent nothing, so even a POST without Idempotency-Key is retried.
      statuses.push((await get('/api/auth/x')).status, (await post('/api/auth/logout')).status);
      const row = (await serverStates(socket)).find((s) => s.server === 'auth-b');
      if (row?.status === 'DOWN') downAfter = Date.now() - stoppedAt;
    }
    for (let i = 0; i < 4; i++) statuses.push((await get('/api/auth/x')).status);
    expect(downAfter).toBeGreaterThanOrEqual(0);
    expect(downAfter).toBeLessThan(3000);
    expect(statuses.length).toBeGreaterThan(4);
    expect(statuses.every((status) => status === 200)).toBe(true);
  });
});
