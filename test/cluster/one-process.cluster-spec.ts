import { createHash, randomUUID } from 'node:crypto';
import { businessDay, JsonReply, requestJson } from '#libs/testing';
import { jpeg, postUpload, wxUploadBody } from '../../apps/upload/test/upload-fixtures';
import { LocalCluster } from '../../tools/stack/local-cluster';
import { createTestCluster, sleep } from './cluster-fixture';
import { readHaproxyLog } from './haproxy-log';

const ADMIN = { username: 'one-process-admin', password: 'one-process-password' };
const SERVICE_NAMES = ['auth', 'catalog', 'orders', 'upload'];
const CONTACT = { name: 'Alice', phone: '13800138000', address: '1 Tea St' };
/** How long a keyed order is retried by the client before it counts as failed. */
const ORDER_PATIENCE_MS = 30000;
const RETRYABLE_STATUS = new Set([0, 502, 503, 504]);

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');
/** A YYYY-MM-DD day in the business's calendar (Asia/Shanghai). */

async function until(check: () => Promise<boolean>, timeoutMs = 15000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(150);
  }
}

/** One HTTP exchange as a client sees it: the status (0 when no answer came) and the start of the body. */
interface Exchange {
  status: number;
  code?: string;
  /** The `id` of a JSON answer (a created order's). */
  id?: string;
  body: string;
}

async function exchange(url: string, init: RequestInit): Promise<Exchange> {
  try {
    const response = await fetch(url, init);
    const body = await response.text();
    let parsed: { code?: string; id?: string } = {};
    try {
      parsed = JSON.parse(body) as typeof parsed;
    } catch {
      // not JSON
    }
    return { status: response.status, code: parsed.code, id: parsed.id, body: body.slice(0, 300) };
  } catch (error) {
    const cause = (error as Error & { cause?: Error }).cause;
    return { status: 0, body: `${(error as Error).message}${cause ? `: ${cause.message}` : ''}` };
  }
}

/**
 * Traffic through HAProxy while replicas restart: catalog reads and GET /api/auth/me (not retried by the client:
 * HAProxy retries GETs that could not reach a replica), and order creations each with its own Idempotency-Key, tried
 * again with the same key after a 502/503/504, a connection error or IDEMPOTENCY_IN_PROGRESS, as the SDK does.
 */
class RestartLoad {
  sent = 0;
  retries = 0;
  readonly failures: { kind: string; path: string; status: number; body: string }[] = [];
  /** Idempotency key → the order id the client was given for it. */
  readonly created = new Map<string, string>();
  private running = true;
  private reads = 0;

  constructor(
    private readonly api: string,
    private readonly token: string,
    private readonly productId: string,
    private readonly skuId: string,
  ) {}

  run(): Promise<void> {
    const loops = [
      ...Array.from({ length: 3 }, () => () => this.read()),
      () => this.me(),
      () => this.me(),
      ...Array.from({ length: 3 }, () => () => this.order()),
    ];
    return Promise.all(
      loops.map(async (step) => {
        while (this.running) await step();
      }),
    ).then(() => undefined);
  }

  stop(): void {
    this.running = false;
  }

  private async read(): Promise<void> {
    const paths = ['/api/catalog/home', `/api/catalog/products/${this.productId}`, '/api/catalog/products?limit=10', '/api/catalog/categories'];
    const path = paths[this.reads++ % paths.length];
    this.sent++;
    const reply = await exchange(`${this.api}${path}`, {});
    if (reply.status !== 200) this.failures.push({ kind: 'read', path, ...reply });
  }

  private async me(): Promise<void> {
    this.sent++;
    const reply = await exchange(`${this.api}/api/auth/me`, { headers: { authorization: `Bearer ${this.token}` } });
    if (reply.status !== 200) this.failures.push({ kind: 'me', path: '/api/auth/me', ...reply });
  }

  private async order(): Promise<void> {
    const key = randomUUID();
    const giveUpAt = Date.now() + ORDER_PATIENCE_MS;
    const body = JSON.stringify({ items: [{ skuId: this.skuId, quantity: 1 }], contact: CONTACT });
    for (let attempt = 0; ; attempt++) {
      this.sent++;
      if (attempt > 0) this.retries++;
      const reply = await exchange(`${this.api}/api/orders`, {
        method: 'POST',
        headers: { authorization: `Bearer ${this.token}`, 'content-type': 'application/json', 'idempotency-key': key },
        body,
      });
      if (reply.status === 201) {
        this.created.set(key, reply.id!);
        return;
      }
      const retryable = RETRYABLE_STATUS.has(reply.status) || (reply.status === 409 && reply.code === 'IDEMPOTENCY_IN_PROGRESS');
      if (!retryable || Date.now() > giveUpAt) {
        this.failures.push({ kind: 'order', path: '/api/orders', ...reply });
        return;
      }
      await sleep(Math.min(200 * 2 ** attempt, 2000));
    }
  }
}

describe('one process, four services (stage 2): 2 processes of apps/all in every HAProxy backend', () => {
  let cluster: LocalCluster;
  let staff: string;
  const api = (path: string) => `${cluster.publicUrl}${path}`;
  const replicaUrl = (name: string) => `http://127.0.0.1:${cluster.requireReplica(name).port}`;
  const login = async (code: string) => {
    const reply = await requestJson<{ accessToken: string; refreshToken: string; user: { id: string } }>(api('/api/auth/wechat/login'), { body: { code } });
    expect(reply.status).toBe(200);
    return reply.body;
  };
  const createProduct = async (title: string, stock: number) => {
    const category = await requestJson(api('/api/catalog/admin/categories'), { token: staff, body: { name: `c-${title}` } });
    expect(category.status).toBe(201);
    const product = await requestJson(api('/api/catalog/admin/products'), {
      token: staff,
      body: { categoryId: category.body.id, title, skus: [{ name: 'box', priceFen: 100, stock }] },
    });
    expect(product.status).toBe(201);
    return { categoryId: category.body.id as string, productId: product.body.id as string, skuId: product.body.skus[0].id as string };
  };
  const stockOf = async (productId: string, skuId: string) => {
    const detail = await requestJson<{ skus: { id: string; stock: number }[] }>(api(`/api/catalog/admin/products/${productId}`), { token: staff });
    return detail.body.skus.find((sku) => sku.id === skuId)!.stock;
  };
  /** Every order of the token's user, through the paged list. */
  const ordersOf = async (token: string): Promise<string[]> => {
    const ids: string[] = [];
    let cursor: string | null = null;
    do {
      const page: JsonReply<{ items: { id: string }[]; nextCursor: string | null }> = await requestJson(
        api(`/api/orders?limit=100${cursor ? `&cursor=${cursor}` : ''}`),
        { token },
      );
      expect(page.status).toBe(200);
      ids.push(...page.body.items.map((item) => item.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    return ids;
  };
  const placeOrder = (token: string, skuId: string, key: string) =>
    requestJson(api('/api/orders'), { token, body: { items: [{ skuId, quantity: 1 }], contact: CONTACT }, headers: { 'idempotency-key': key } });

  beforeAll(async () => {
    cluster = createTestCluster({}, { ADMIN_BOOTSTRAP_USERNAME: ADMIN.username, ADMIN_BOOTSTRAP_PASSWORD: ADMIN.password }, { oneProcessReplicas: 2 });
    await cluster.start();
    const staffLogin = await requestJson(api('/api/auth/admin/login'), { body: ADMIN });
    expect(staffLogin.status).toBe(200);
    staff = staffLogin.body.accessToken as string;
  }, 120000);
  afterAll(() => cluster?.stop(), 60000);

  it('runs as two processes of every service, and nothing else', () => {
    expect([...cluster.replicas.values()].map((replica) => [replica.name, replica.service])).toEqual([
      ['all-1', 'all'],
      ['all-2', 'all'],
    ]);
  });

  it("serves the README's flows through HAProxy: login, profile, staff edits, catalog reads, a paid order, an upload, a booking, the API document", async () => {
    // WeChat login, profile (PATCH and its POST + X-HTTP-Method-Override form), refresh.
    const alice = await login('test:alice');
    expect((await requestJson(api('/api/auth/me'), { token: alice.accessToken })).status).toBe(200);
    const patched = await requestJson(api('/api/auth/me'), { method: 'PATCH', token: alice.accessToken, body: { nickname: 'Alice' } });
    expect([patched.status, patched.body.nickname]).toEqual([200, 'Alice']);
    const overridden = await requestJson(api('/api/auth/me'), {
      method: 'POST',
      token: alice.accessToken,
      body: { nickname: 'Alice W' },
      headers: { 'x-http-method-override': 'PATCH' },
    });
    expect([overridden.status, overridden.body.nickname]).toEqual([200, 'Alice W']);
    const pair = await requestJson(api('/api/auth/refresh'), { body: { refreshToken: alice.refreshToken } });
    expect(pair.status).toBe(200);
    const token = pair.body.accessToken as string;
    expect((await requestJson(api('/api/auth/me'), { token })).body.nickname).toBe('Alice W');

    // Staff edits: a category, a product with two SKUs, a title change, a third SKU.
    const category = await requestJson(api('/api/catalog/admin/categories'), { token: staff, body: { name: 'Tea' } });
    expect(category.status).toBe(201);
    const product = await requestJson(api('/api/catalog/admin/products'), {
      token: staff,
      body: {
        categoryId: category.body.id,
        title: 'West Lake Longjing',
        images: ['https://img.example/longjing.jpg'],
        featured: true,
        skus: [
          { name: '250 g', priceFen: 1990, stock: 50 },
          { name: '500 g', priceFen: 3590, stock: 20 },
        ],
      },
    });
    expect(product.status).toBe(201);
    const productId = product.body.id as string;
    const skuId = product.body.skus[0].id as string;
    expect((await requestJson(api(`/api/catalog/admin/products/${productId}`), { method: 'PATCH', token: staff, body: { title: 'Longjing' } })).status).toBe(
      200,
    );
    const withSku = await requestJson(api(`/api/catalog/admin/products/${productId}/skus`), { token: staff, body: { name: '1 kg', priceFen: 6990, stock: 5 } });
    expect(withSku.status).toBe(201);

    // Catalog reads: home, list, detail, each showing the edits.
    const home = await requestJson(api('/api/catalog/home'));
    expect(home.status).toBe(200);
    expect(JSON.stringify(home.body)).toContain(productId);
    const list = await requestJson(api(`/api/catalog/products?categoryId=${category.body.id}`));
    expect(list.body.items.map((item: { id: string }) => item.id)).toEqual([productId]);
    const detail = await requestJson(api(`/api/catalog/products/${productId}`));
    expect([detail.body.title, detail.body.skus.length]).toEqual(['Longjing', 3]);

    // An order with an Idempotency-Key: orders prices it and reserves stock in catalog over the bus, in the same process.
    const created = await placeOrder(token, skuId, 'one-process-order-1');
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ status: 'pending_payment', totalFen: 1990 });
    expect((await placeOrder(token, skuId, 'one-process-order-1')).body).toEqual(created.body);
    expect(await stockOf(productId, skuId)).toBe(49);

    // Paid in the sandbox: its signed notification comes back through HAProxy.
    const params = await requestJson(api(`/api/orders/${created.body.id}/pay`), { method: 'POST', token, headers: { 'idempotency-key': 'one-process-pay-1' } });
    expect(params.status).toBe(200);
    const paid = await fetch(`${cluster.sandboxUrl}/sandbox/pay/${(params.body.package as string).replace('prepay_id=', '')}`, { method: 'POST' });
    expect(((await paid.json()) as { notified: boolean }).notified).toBe(true);
    await until(async () => (await requestJson(api(`/api/orders/${created.body.id}`), { token })).body.status === 'paid');

    // An upload (multipart, as wx.uploadFile sends it) and its content.
    const bytes = await jpeg(320, 240, { noise: true });
    const stored = await postUpload(cluster.publicUrl, token, wxUploadBody(bytes));
    expect(stored.status).toBe(201);
    expect(stored.body.mime).toBe('image/jpeg');
    const content = await fetch(api(`/api/uploads/${stored.body.id}/content`), { headers: { authorization: `Bearer ${token}` } });
    expect(content.status).toBe(200);
    expect(sha256(Buffer.from(await content.arrayBuffer()))).toBe(sha256(bytes));
    expect((await requestJson(api('/api/auth/me'), { method: 'PATCH', token, body: { avatarUploadId: stored.body.id } })).status).toBe(200);

    // A booking: staff make a resource and its slots, the user books one.
    const resource = await requestJson(api('/api/appointments/admin/resources'), { token: staff, body: { name: 'Dr. One', kind: 'doctor' } });
    expect(resource.status).toBe(201);
    const start = new Date(Date.now() + 3 * 86400000);
    start.setUTCMinutes(0, 0, 0);
    const slots = await requestJson(api('/api/appointments/admin/slots'), {
      token: staff,
      body: {
        resourceId: resource.body.id,
        slots: [{ startsAt: start.toISOString(), endsAt: new Date(start.getTime() + 1800000).toISOString(), capacity: 2 }],
      },
    });
    expect(slots.status).toBe(201);
    const open = await requestJson(api(`/api/appointments/slots?resourceId=${resource.body.id}&date=${businessDay(start)}`));
    expect(open.body.items).toHaveLength(1);
    const booked = await requestJson(api('/api/appointments'), {
      token,
      body: { slotId: open.body.items[0].id, contact: { name: 'Alice', phone: '13800138000' } },
      headers: { 'idempotency-key': 'one-process-book-1' },
    });
    expect(booked.status).toBe(201);
    expect((await requestJson(api('/api/appointments'), { token })).body.items.map((item: { id: string }) => item.id)).toEqual([booked.body.id]);

    // The API document, served by auth.
    const document = await requestJson(api('/api/docs/openapi.json'));
    expect(document.status).toBe(200);
    expect(document.body.openapi).toBe('3.1.0');
    expect(Object.keys(document.body.paths)).toEqual(expect.arrayContaining(['/api/auth/me', '/api/catalog/home', '/api/orders', '/api/uploads']));
  }, 60000);

  it("a replica's /health/ready reports every service ready, and its /metrics holds every service's series, each family typed once", async () => {
    const buyer = await login('1:metrics-buyer');
    for (const name of ['all-1', 'all-2']) {
      const base = replicaUrl(name);
      // One request of each service straight to this replica, so that each has observed one.
      expect((await requestJson(`${base}/api/auth/me`, { token: buyer.accessToken })).status).toBe(200);
      expect((await requestJson(`${base}/api/catalog/categories`)).status).toBe(200);
      expect((await requestJson(`${base}/api/orders`, { token: buyer.accessToken })).status).toBe(200);
      expect((await requestJson(`${base}/api/uploads/01JDQ8Z6Y3B4C5D6E7F8G9H0JK`, { token: buyer.accessToken })).status).toBe(404);

      const ready = await requestJson<{ status: string; services: Record<string, { status: number }> }>(`${base}/health/ready`);
      expect(ready.status).toBe(200);
      expect(ready.body.status).toBe('ok');
      expect(Object.keys(ready.body.services).sort()).toEqual(SERVICE_NAMES);
      for (const service of SERVICE_NAMES) expect([service, ready.body.services[service].status]).toEqual([service, 200]);

      const metrics = await fetch(`${base}/metrics`);
      expect(metrics.status).toBe(200);
      expect(metrics.headers.get('content-type')).toMatch(/^text\/plain/);
      const text = await metrics.text();
      for (const service of SERVICE_NAMES) {
        const series = new RegExp(`^http_request_duration_seconds_count\\{[^}]*service="${service}"[^}]*\\} [1-9]`, 'm');
        expect([service, series.test(text)]).toEqual([service, true]);
        // Families prom-client would drop when merging registries of one service's replicas (its `omit` aggregator) are kept.
        expect([service, new RegExp(`^process_start_time_seconds\\{[^}]*service="${service}"`, 'm').test(text)]).toEqual([service, true]);
      }
      const typed = text.split('\n').filter((line) => line.startsWith('# TYPE '));
      const families = typed.map((line) => line.split(' ')[2]);
      expect(families.filter((family, i) => families.indexOf(family) !== i)).toEqual([]);
      expect(families).toEqual(expect.arrayContaining(['http_request_duration_seconds', 'process_resident_memory_bytes']));
    }
  }, 30000);

  it('a rolling restart of both processes (SIGTERM, one at a time) under load: 0 failed reads, 0 failed keyed orders, one order per key', async () => {
    const buyer = await login('1:restart-buyer');
    const { productId, skuId } = await createProduct('Restart tea', 100000);
    const ordersBefore = (await ordersOf(buyer.accessToken)).length;
    const stockBefore = await stockOf(productId, skuId);

    const load = new RestartLoad(cluster.publicUrl, buyer.accessToken, productId, skuId);
    const loadStartedAt = Date.now();
    const running = load.run();
    await sleep(1500);
    const restarts: { name: string; stopMs: number; startMs: number; upMs: number }[] = [];
    for (const name of ['all-1', 'all-2']) {
      const replica = cluster.requireReplica(name);
      const began = Date.now();
      replica.process.signal('SIGTERM');
      expect(await replica.process.exited).toBe(0);
      const stopped = Date.now();
      await cluster.restartReplica(name);
      const ready = Date.now();
      await cluster.waitForBalancerStatus(name, 'UP', 20000);
      restarts.push({ name, stopMs: stopped - began, startMs: ready - stopped, upMs: Date.now() - ready });
    }
    await sleep(1500);
    load.stop();
    await running;
    // The requests HAProxy sent again after a connection failure or an empty answer (the `retries` field of its log).
    const retriedByHaproxy = readHaproxyLog(cluster.logFile('haproxy')).filter(
      (entry) => entry.acceptedAt >= loadStartedAt - 1000 && entry.retries !== '0',
    ).length;

    console.log(
      `one-process rolling restart under load: ${load.sent} requests sent, ${load.retries} client retries of keyed orders, ` +
        `${retriedByHaproxy} retried by HAProxy, ` +
        `${load.failures.length} failures, ${load.created.size} orders created; ` +
        restarts.map((r) => `${r.name} SIGTERM→exit ${r.stopMs} ms, spawn→ready ${r.startMs} ms, ready→UP in HAProxy ${r.upMs} ms`).join('; ') +
        (load.failures.length ? `\nfailures: ${JSON.stringify(load.failures.slice(0, 20), null, 1)}\nlogs: ${cluster.options.workDir}/logs` : ''),
    );

    expect(load.failures.filter((failure) => failure.kind !== 'order')).toEqual([]);
    expect(load.failures.filter((failure) => failure.kind === 'order')).toEqual([]);
    expect(load.sent).toBeGreaterThan(200);
    expect(load.created.size).toBeGreaterThan(10);
    // Every keyed creation made exactly one order: distinct ids, no other order of the user, stock taken once each.
    expect(new Set(load.created.values()).size).toBe(load.created.size);
    const orders = await ordersOf(buyer.accessToken);
    expect(orders.length - ordersBefore).toBe(load.created.size);
    expect(new Set(orders)).toEqual(new Set(load.created.values()));
    expect(stockBefore - (await stockOf(productId, skuId))).toBe(load.created.size);
  }, 90000);

  it('a SIGKILLed process restarted comes back ready, and orders work again', async () => {
    const replica = cluster.requireReplica('all-1');
    replica.process.signal('SIGKILL');
    expect(await replica.process.exited).toBeNull();
    await cluster.waitForBalancerStatus('all-1', 'DOWN', 10000);
    await cluster.restartReplica('all-1');
    const ready = await requestJson<{ services: Record<string, { status: number }> }>(`${replicaUrl('all-1')}/health/ready`);
    expect(ready.status).toBe(200);
    for (const service of SERVICE_NAMES) expect([service, ready.body.services[service].status]).toEqual([service, 200]);
    await cluster.waitForBalancerStatus('all-1', 'UP', 20000);

    const buyer = await login('1:after-kill');
    const { productId, skuId } = await createProduct('After kill', 10);
    // Straight to the restarted process (its catalog answers over the bus too), then through HAProxy.
    const direct = await requestJson(`${replicaUrl('all-1')}/api/orders`, {
      token: buyer.accessToken,
      body: { items: [{ skuId, quantity: 1 }], contact: CONTACT },
      headers: { 'idempotency-key': 'after-kill-1' },
    });
    expect(direct.status).toBe(201);
    for (let i = 2; i <= 5; i++) expect((await placeOrder(buyer.accessToken, skuId, `after-kill-${i}`)).status).toBe(201);
    expect(await stockOf(productId, skuId)).toBe(5);
    expect(await ordersOf(buyer.accessToken)).toHaveLength(5);
  }, 60000);
});
