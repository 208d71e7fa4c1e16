import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ERROR_STATUS } from '#libs/errors';
import { requestJson, signTestToken } from '#libs/testing';
import { png, postUpload, wxUploadBody } from '../../apps/upload/test/upload-fixtures';
import { LocalCluster } from '../../tools/stack/local-cluster';
import { createTestCluster } from '../cluster/cluster-fixture';
import { badRequests, Fixtures, FuzzRequest } from './bad-requests';
import { FUZZ_ROUTES } from './fuzz-routes';

/** FUZZ_SEED replays a run; FUZZ_REQUESTS sends more (or fewer, while working on it). */
const SEED = Number(process.env.FUZZ_SEED ?? 20261201);
const REQUESTS = Number(process.env.FUZZ_REQUESTS ?? 10000);
const CONCURRENCY = 16;

/** What no response may carry: stack frames, source or temp paths, SQL, driver and framework error names. */
const LEAKS =
  /\bat [\w.<>$]+ \(|\.(?:ts|js):\d+|\/work\/|\/tmp\/|\/srv\/|node_modules|\bER_[A-Z_]{3,}|\bSELECT\b[^"]*\bFROM\b|\bINSERT INTO\b|\bUPDATE\b[^"]*\bSET\b|TypeError|RangeError|ReferenceError|QueryFailedError|FST_ERR|"stack"/;

interface Sent {
  request: FuzzRequest;
  index: number;
  status: number;
  code?: string;
  problem?: string;
  /** HAProxy answered a route that reaches no app and closed before the large body was sent (deploy/haproxy/README.md). */
  closedByBalancer?: boolean;
}

// The routes HAProxy answers itself (404): a dot segment, or no service. It reads at most its 16 kB buffer of the body.
const DOT_SEGMENT = /(^|\/)(\.|%2e){1,2}(\/|\?|$)/i;
const ROUTED = /^\/api\/(auth|catalog|orders|appointments|uploads)(\/|\?|$)/;
const BALANCER_BUFFER_BYTES = 16 * 1024;

function answeredByBalancerUnread(request: FuzzRequest): boolean {
  const size = request.body === undefined ? 0 : Buffer.byteLength(request.body);
  return size > BALANCER_BUFFER_BYTES && (DOT_SEGMENT.test(request.path) || !ROUTED.test(request.path));
}

/** The ways `reply` breaks the contract for a bad request, or undefined when it keeps it. */
function problemWith(status: number, contentType: string, requestIdHeader: string | null, text: string): string | undefined {
  if (status >= 500) return `answered ${status}`;
  if (LEAKS.test(text)) return `leaks internals: ${LEAKS.exec(text)?.[0]}`;
  if (status < 400) return undefined;
  if (!contentType.startsWith('application/json')) return `error with content-type ${contentType || 'none'}`;
  let body: { statusCode?: unknown; code?: unknown; message?: unknown; requestId?: unknown };
  try {
    body = JSON.parse(text);
  } catch {
    return 'error body is not JSON';
  }
  if (body.statusCode !== status) return `envelope statusCode ${String(body.statusCode)} on a ${status}`;
  if (typeof body.code !== 'string' || !(body.code in ERROR_STATUS)) return `code ${String(body.code)} is not one of libs/errors`;
  if (ERROR_STATUS[body.code as keyof typeof ERROR_STATUS] !== status) return `code ${body.code} travels with ${status}, not its own status`;
  if (typeof body.message !== 'string' || !body.message) return 'no message';
  if (typeof body.requestId !== 'string' || body.requestId !== requestIdHeader)
    return `requestId ${String(body.requestId)} is not the X-Request-Id ${String(requestIdHeader)}`;
  return undefined;
}

function describeRequest(sent: Sent): string {
  const { request } = sent;
  const body = request.body === undefined ? '' : ` body ${JSON.stringify(String(request.body).slice(0, 200))}`;
  return `#${sent.index} ${request.method} ${request.path.slice(0, 200)} [${request.mutation}] token=${request.token} headers=${JSON.stringify(request.headers).slice(0, 200)}${body} → ${sent.status} ${sent.code ?? ''}: ${sent.problem}`;
}

function countBy<T>(items: T[], key: (item: T) => string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) counts[key(item)] = (counts[key(item)] ?? 0) + 1;
  return Object.fromEntries(Object.entries(counts).sort(([, a], [, b]) => b - a));
}

describe(`fuzz: ${REQUESTS} generated bad requests to every public route, through the real HAProxy (seed ${SEED})`, () => {
  let cluster: LocalCluster;
  let tokens: Record<'user' | 'staff', string>;
  let signThrowaway: () => Promise<string>;
  let fixtures: Fixtures;
  let image: Buffer;
  const api = (path: string) => `${cluster.publicUrl}${path}`;

  beforeAll(async () => {
    cluster = createTestCluster({ auth: 1, catalog: 1, orders: 1, upload: 1 });
    await cluster.start();
    const secrets = join(cluster.options.workDir, 'secrets');
    const privateKey = readFileSync(join(secrets, 'jwt-private.pem'), 'utf8');
    const kid = readFileSync(join(secrets, 'jwt-key-id'), 'utf8').trim();
    const expiresAt = Math.floor(Date.now() / 1000) + 3600;
    const staff = await signTestToken(privateKey, {
      subject: '01FUZZSTAFF000000000000000',
      sessionId: randomUUID(),
      kind: 'staff',
      roles: ['admin'],
      kid,
      expiresAt,
    });
    const login = await requestJson(api('/api/auth/wechat/login'), { body: { code: 'test:fuzzer' } });
    expect(login.status).toBe(200);
    tokens = { user: login.body.accessToken, staff };
    signThrowaway = () => signTestToken(privateKey, { subject: login.body.user.id, sessionId: randomUUID(), kid, expiresAt });

    image = await png(8, 8);
    const asStaff = (path: string, body: unknown) => requestJson(api(path), { token: staff, body });
    const asUser = (path: string, body: unknown) => requestJson(api(path), { token: tokens.user, body, headers: { 'idempotency-key': randomUUID() } });
    const category = await asStaff('/api/catalog/admin/categories', { name: 'Fuzz' });
    const product = await asStaff('/api/catalog/admin/products', {
      categoryId: category.body.id,
      title: 'Fuzz tea',
      images: ['https://img.example/t.jpg'],
      skus: [{ name: 'box', priceFen: 990, stock: 100000 }],
    });
    const article = await asStaff('/api/catalog/admin/articles', { title: 'Fuzz', body: 'text', published: true });
    const banner = await asStaff('/api/catalog/admin/banners', { title: 'Fuzz', image: 'https://img.example/b.jpg' });
    const upload = await postUpload(cluster.publicUrl, tokens.user, wxUploadBody(image, 'a.png'));
    const order = await asUser('/api/orders', { items: [{ skuId: product.body.skus[0].id, quantity: 1 }], contact: { name: 'Fuzz', phone: '13800138000' } });
    const resource = await asStaff('/api/appointments/admin/resources', { name: 'Fuzz room', kind: 'room' });
    const startsAt = new Date(Date.now() + 7 * 86400_000);
    const slots = await asStaff('/api/appointments/admin/slots', {
      resourceId: resource.body.id,
      slots: [{ startsAt: startsAt.toISOString(), endsAt: new Date(startsAt.getTime() + 3600_000).toISOString(), capacity: 1000 }],
    });
    const appointment = await asUser('/api/appointments', { slotId: slots.body.items[0].id, contact: { name: 'Fuzz', phone: '13800138000' } });
    const staffAccount = await asStaff('/api/auth/admin/staff', { username: 'fuzz.staff', password: 'a long fuzz password', role: 'staff' });
    const address = await asUser('/api/auth/addresses', {
      name: 'Fuzz',
      phone: '13800138000',
      province: '浙江省',
      city: '杭州市',
      district: '西湖区',
      detail: '1 号',
    });
    const coupon = await asStaff('/api/orders/admin/coupons', {
      name: 'Fuzz',
      kind: 'amount',
      amountFen: 100,
      minSpendFen: 0,
      total: 1000,
      perUserLimit: 100,
      startsAt: new Date(Date.now() - 3600_000).toISOString(),
      endsAt: new Date(Date.now() + 24 * 3600_000).toISOString(),
    });
    const made = [category, product, article, banner, upload, order, resource, slots, appointment, staffAccount, address, coupon];
    expect(made.map((reply) => reply.status)).toEqual(made.map(() => expect.any(Number)));
    expect(made.filter((reply) => reply.status >= 300).map((reply) => JSON.stringify(reply.body))).toEqual([]);
    fixtures = {
      category: category.body.id,
      product: product.body.id,
      sku: product.body.skus[0].id,
      article: article.body.id,
      banner: banner.body.id,
      upload: upload.body.id,
      order: order.body.id,
      resource: resource.body.id,
      slot: slots.body.items[0].id,
      appointment: appointment.body.id,
      staff: staffAccount.body.id,
      address: address.body.id,
      coupon: coupon.body.id,
    };
  }, 180000);
  afterAll(() => cluster?.stop(), 60000);

  it('answers every one with a 4xx (or a success) in the envelope, leaks nothing, and no replica restarts', async () => {
    const pids = new Map([...cluster.replicas.values()].map((replica) => [replica.name, replica.process.pid]));
    const requests = fc.sample(badRequests(fixtures, image), { seed: SEED, numRuns: REQUESTS });
    const sent: Sent[] = [];
    let next = 0;
    const client = async () => {
      while (next < requests.length) {
        const index = next++;
        const request = requests[index];
        const headers = { ...request.headers };
        const token = request.token === 'throwaway' ? await signThrowaway() : request.token === 'none' ? undefined : tokens[request.token];
        if (token) headers.authorization = `Bearer ${token}`;
        const record: Sent = { request, index, status: 0 };
        try {
          const response = await fetch(api(request.path), {
            method: request.method,
            headers,
            body: request.body,
            redirect: 'manual',
            signal: AbortSignal.timeout(20000),
          });
          const text = await response.text();
          record.status = response.status;
          record.code = response.status >= 400 ? (/"code":"([A-Z_]+)"/.exec(text)?.[1] ?? '?') : undefined;
          record.problem = problemWith(response.status, response.headers.get('content-type') ?? '', response.headers.get('x-request-id'), text);
        } catch (error) {
          const cause = (error as Error & { cause?: { code?: string; message?: string } }).cause;
          if (answeredByBalancerUnread(request) && ['EPIPE', 'ECONNRESET', 'UND_ERR_SOCKET'].includes(cause?.code ?? '')) record.closedByBalancer = true;
          else record.problem = `no answer: ${(error as Error).message} (${cause?.code ?? ''} ${cause?.message ?? ''})`;
        }
        sent.push(record);
      }
    };
    const started = Date.now();
    await Promise.all(Array.from({ length: CONCURRENCY }, client));
    const seconds = (Date.now() - started) / 1000;

    const perService = Object.fromEntries(
      ['auth', 'catalog', 'orders', 'upload'].map((service) => [service, sent.filter((entry) => entry.request.route.service === service).length]),
    );
    const routesHit = new Set(sent.map((entry) => `${entry.request.method} ${entry.request.route.path}`));
    const failures = sent.filter((entry) => entry.problem);
    console.log(
      [
        `fuzz seed ${SEED}: ${sent.length} requests in ${seconds.toFixed(1)} s (${Math.round(sent.length / seconds)}/s), ${routesHit.size} of ${FUZZ_ROUTES.length} routes`,
        `per service: ${JSON.stringify(perService)}`,
        `statuses: ${JSON.stringify(countBy(sent, (entry) => String(entry.status)))}`,
        `codes: ${JSON.stringify(
          countBy(
            sent.filter((entry) => entry.code),
            (entry) => entry.code!,
          ),
        )}`,
        `mutations: ${JSON.stringify(countBy(sent, (entry) => entry.request.mutation.split(',')[0]))}`,
        `closed by HAProxy before a large body to a route reaching no app was sent (HAProxy 2.6, see deploy/haproxy/README.md): ${sent.filter((entry) => entry.closedByBalancer).length}`,
        `found: ${failures.length} replies breaking the contract${failures.length ? `\n${failures.slice(0, 25).map(describeRequest).join('\n')}` : ''}`,
      ].join('\n'),
    );

    expect(sent.length).toBeGreaterThanOrEqual(REQUESTS);
    expect(routesHit.size).toBe(FUZZ_ROUTES.length);
    expect(failures.slice(0, 25).map(describeRequest)).toEqual([]);
    const restarted = [...cluster.replicas.values()]
      .filter((replica) => !replica.process.running || replica.process.pid !== pids.get(replica.name))
      .map((replica) => replica.name);
    expect(restarted).toEqual([]);
  }, 900000);
});
