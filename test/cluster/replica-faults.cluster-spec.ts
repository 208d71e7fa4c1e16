import { randomUUID } from 'node:crypto';
import { createConnection } from 'mysql2/promise';
import { parseMysqlUrl } from '#libs/database';
import { LocalCluster } from '../../tools/stack/local-cluster';
import { createTestCluster, sleep } from './cluster-fixture';
import { findHaproxyEntries, readHaproxyLog } from './haproxy-log';

const ADMIN = { username: 'fault-admin', password: 'fault-admin-password' };
// A 1×1 PNG: the upload service types files by their bytes.
const PNG = Buffer.from(
  '89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360000002000100ffff03000006000557bfabd40000000049454e44ae426082',
  'hex',
);

type Kind = 'read' | 'me' | 'order' | 'login' | 'upload';
const ORDER_PATIENCE_MS = 75000;

/** One request of the load as the client saw it. */
interface Attempt {
  requestId: string;
  method: string;
  path: string;
  startedAt: number;
  endedAt: number;
  /** HTTP status, or 0 when the request got no response at all. */
  status: number;
  code?: string;
  body: string;
  /** What the fault schedule was doing to the cluster when the request started, e.g. "orders-1 draining". */
  fault: string;
}

/** A request the load counted as failed: its last attempt, every attempt before it (keyed orders retry), and which replica HAProxy says answered. */
interface Failure extends Attempt {
  kind: Kind;
  attempts?: Omit<Attempt, 'body'>[];
  answeredBy?: string[];
}

/** Mixed mini-program traffic; every outcome is counted per kind. */
class MixedLoad {
  readonly sent: Record<Kind, number> = { read: 0, me: 0, order: 0, login: 0, upload: 0 };
  readonly failures: Record<Kind, Failure[]> = { read: [], me: [], order: [], login: [], upload: [] };
  /** Idempotency keys of the orders the client was told were created. */
  readonly acknowledgedOrders = new Set<string>();
  private running = true;
  private logins = 0;
  private requests = 0;
  private readonly runId = randomUUID().slice(0, 8);

  constructor(
    private readonly api: string,
    private readonly token: string,
    private readonly productId: string,
    private readonly skuId: string,
    private readonly fault: () => string,
  ) {}

  run(): Promise<void> {
    return Promise.all([
      this.loop('read', () => this.read()),
      this.loop('read', () => this.read()),
      this.loop('me', () => this.send('GET', '/api/auth/me', { headers: this.auth() })),
      this.loop('order', () => this.order()),
      this.loop('login', () => this.post('/api/auth/wechat/login', { code: `${this.runId}-${++this.logins}:fault-user` })),
      this.loop('upload', () => this.upload()),
    ]).then(() => undefined);
  }

  stop(): void {
    this.running = false;
  }

  private auth() {
    return { authorization: `Bearer ${this.token}` };
  }

  private read(): Promise<Attempt> {
    const paths = ['/api/catalog/home', `/api/catalog/products/${this.productId}`, '/api/catalog/products?limit=10', '/api/catalog/categories'];
    return this.send('GET', paths[this.sent.read % paths.length], {});
  }

  private post(path: string, body: unknown, headers: Record<string, string> = {}): Promise<Attempt> {
    return this.send('POST', path, { headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  }

  private upload(): Promise<Attempt> {
    const form = new FormData();
    form.append('file', new Blob([PNG], { type: 'image/png' }), 'dot.png');
    return this.send('POST', '/api/uploads', { headers: this.auth(), body: form });
  }

  /** One request with an X-Request-Id of its own (HAProxy keeps it, the replica logs it), read to the end. */
  private async send(method: string, path: string, init: { headers?: Record<string, string>; body?: string | FormData }): Promise<Attempt> {
    const requestId = `${this.runId}-${++this.requests}`;
    const started = { requestId, method, path, startedAt: Date.now(), fault: this.fault() };
    try {
      const response = await fetch(`${this.api}${path}`, { method, headers: { ...init.headers, 'x-request-id': requestId }, body: init.body });
      const body = await response.text();
      return { ...started, endedAt: Date.now(), status: response.status, code: codeOf(body), body: body.slice(0, 300) };
    } catch (error) {
      const cause = (error as Error & { cause?: Error }).cause;
      return { ...started, endedAt: Date.now(), status: 0, body: `${(error as Error).message}${cause ? `: ${cause.message}` : ''}` };
    }
  }

  /**
   * What a mini-program does on a failed tap: the same request with the same Idempotency-Key until it gets an
   * answer. A key whose first request died with its replica stays "in progress" (409) until its claim expires (20 s).
   */
  private async order(): Promise<Attempt & { attempts: Omit<Attempt, 'body'>[] }> {
    const key = randomUUID();
    const giveUpAt = Date.now() + ORDER_PATIENCE_MS;
    const attempts: Omit<Attempt, 'body'>[] = [];
    for (;;) {
      const attempt = await this.post(
        '/api/orders',
        { items: [{ skuId: this.skuId, quantity: 1 }], contact: { name: 'Fault', phone: '13800138000' } },
        { ...this.auth(), 'idempotency-key': key },
      );
      const { body: _body, ...summary } = attempt;
      attempts.push(summary);
      if (attempt.status === 201) this.acknowledgedOrders.add(key);
      if ((attempt.status !== 0 && attempt.status < 500 && attempt.status !== 409) || Date.now() > giveUpAt) return { ...attempt, attempts };
      await sleep(500);
    }
  }

  private async loop(kind: Kind, request: () => Promise<Attempt>): Promise<void> {
    while (this.running) {
      this.sent[kind]++;
      const attempt = await request();
      if (attempt.status === 0 || attempt.status >= 300) this.failures[kind].push({ kind, ...attempt });
    }
  }
}

function codeOf(body: string): string | undefined {
  try {
    return (JSON.parse(body) as { code?: string }).code;
  } catch {
    return undefined;
  }
}

describe('replicas killed and restarted under mixed traffic (every service, 2 replicas each)', () => {
  let cluster: LocalCluster;
  let token: string;
  let userId: string;
  let product: { id: string; skuId: string };
  /** What is being done to the cluster right now, stamped on every request the load sends. */
  let fault = 'none';
  const timeline: string[] = [];
  const setFault = (what: string) => {
    fault = what;
    timeline.push(`${new Date().toISOString()} ${what}`);
  };

  const json = async <T>(path: string, body: unknown, headers: Record<string, string> = {}) =>
    (await (
      await fetch(`${cluster.publicUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) })
    ).json()) as T;

  /** The stored Idempotency-Key digests of the buyer's placed orders (a failed creation stays hidden, and frees its key for the retry). */
  const ordersOfUser = async (): Promise<string[]> => {
    const { host, port, username, password, database } = parseMysqlUrl(cluster.databaseUrl('orders'));
    const connection = await createConnection({ host, port, user: username, password, database });
    try {
      const [rows] = await connection.query('SELECT idempotency_key AS k FROM orders WHERE user_id = ? AND placed_at IS NOT NULL', [userId]);
      return (rows as { k: string }[]).map((row) => row.k);
    } finally {
      await connection.end();
    }
  };

  /** Prints the counts, and for every failure its last attempt, the attempts before it and the server lines HAProxy logged for them. */
  const report = (phase: string, load: MixedLoad) => {
    const failures = Object.values(load.failures).flat();
    const log = failures.length ? readHaproxyLog(cluster.logFile('haproxy')) : [];
    for (const failure of failures) {
      const path = failure.path.split('?')[0];
      failure.answeredBy = (failure.attempts ?? [failure]).flatMap((attempt) =>
        findHaproxyEntries(log, attempt.method, path, attempt.startedAt - 50, attempt.endedAt + 50, attempt.status || -1).map(
          (entry) =>
            `${new Date(entry.acceptedAt).toISOString()} ${entry.server} ${entry.status} ${entry.termination} retries=${entry.retries} ${entry.timers}`,
        ),
      );
    }
    process.stdout.write(
      `${phase}: ${(Object.keys(load.sent) as Kind[]).map((kind) => `${kind} ${load.sent[kind]} sent/${load.failures[kind].length} failed`).join(', ')}; orders acknowledged ${load.acknowledgedOrders.size}\n` +
        (failures.length
          ? `  failures: ${JSON.stringify(failures, null, 1)}\n  timeline:\n    ${timeline.join('\n    ')}\n  logs: ${cluster.options.workDir}/logs\n`
          : ''),
    );
    timeline.length = 0;
  };

  beforeAll(async () => {
    cluster = createTestCluster(
      { auth: 2, catalog: 2, orders: 2, upload: 2 },
      { ADMIN_BOOTSTRAP_USERNAME: ADMIN.username, ADMIN_BOOTSTRAP_PASSWORD: ADMIN.password },
    );
    await cluster.start();
    process.stdout.write(
      `start-up (spawn → ready), all 8 at once: ${[...cluster.replicas.values()].map((replica) => `${replica.name} ${replica.startupMs} ms`).join(', ')}\n`,
    );
    const login = await json<{ accessToken: string; user: { id: string } }>('/api/auth/wechat/login', { code: '0:fault-buyer' });
    [token, userId] = [login.accessToken, login.user.id];
    const staff = (await json<{ accessToken: string }>('/api/auth/admin/login', ADMIN)).accessToken;
    const category = await json<{ id: string }>('/api/catalog/admin/categories', { name: 'Faults' }, { authorization: `Bearer ${staff}` });
    const created = await json<{ id: string; skus: { id: string }[] }>(
      '/api/catalog/admin/products',
      { categoryId: category.id, title: 'Resilient tea', skus: [{ name: 'box', priceFen: 100, stock: 100000 }] },
      { authorization: `Bearer ${staff}` },
    );
    product = { id: created.id, skuId: created.skus[0].id };
  }, 120000);
  afterAll(() => cluster?.stop(), 60000);

  it('SIGKILL of one replica of each service: 0 failed idempotent requests, 0 lost or duplicated orders', async () => {
    const load = new MixedLoad(cluster.publicUrl, token, product.id, product.skuId, () => fault);
    const running = load.run();
    await sleep(2000);
    setFault('*-1 killed');
    for (const service of ['auth', 'catalog', 'orders', 'upload']) cluster.requireReplica(`${service}-1`).process.signal('SIGKILL');
    await sleep(4000);
    setFault('*-1 restarting');
    for (const service of ['auth', 'catalog', 'orders', 'upload']) await cluster.restartReplica(`${service}-1`);
    for (const service of ['auth', 'catalog', 'orders', 'upload']) await cluster.waitForBalancerStatus(`${service}-1`, 'UP', 15000);
    setFault('none');
    await sleep(1000);
    load.stop();
    await running;
    report('SIGKILL one replica of each service', load);

    expect(load.failures.read).toEqual([]);
    expect(load.failures.me).toEqual([]);
    expect(load.failures.order).toEqual([]);
    const stored = await ordersOfUser();
    expect(new Set(stored).size).toBe(stored.length);
    expect(stored.length).toBe(load.acknowledgedOrders.size);
  }, 200000);

  it('a rolling restart of every replica (SIGTERM, one at a time): 0 failed requests of any kind', async () => {
    const ordersBefore = (await ordersOfUser()).length;
    const load = new MixedLoad(cluster.publicUrl, token, product.id, product.skuId, () => fault);
    const running = load.run();
    await sleep(1000);
    for (const replica of [...cluster.replicas.values()]) {
      setFault(`${replica.name} draining`);
      replica.process.signal('SIGTERM');
      expect(await replica.process.exited).toBe(0);
      setFault(`${replica.name} restarting`);
      await cluster.restartReplica(replica.name);
      setFault(`${replica.name} ready ${replica.startupMs} ms after it was started, not yet UP`);
      await cluster.waitForBalancerStatus(replica.name, 'UP', 15000);
      setFault('none');
    }
    process.stdout.write(
      `start-up (spawn → ready) on restart: ${[...cluster.replicas.values()].map((replica) => `${replica.name} ${replica.startupMs} ms`).join(', ')}\n`,
    );
    await sleep(1000);
    load.stop();
    await running;
    report('rolling restart of 8 replicas', load);

    for (const kind of Object.keys(load.failures) as Kind[]) expect([kind, load.failures[kind]]).toEqual([kind, []]);
    expect((await ordersOfUser()).length - ordersBefore).toBe(load.acknowledgedOrders.size);
  }, 240000);
});
