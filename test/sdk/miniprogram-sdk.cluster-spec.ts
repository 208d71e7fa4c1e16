import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { businessDay, freePort, requestJson, signTestToken } from '#libs/testing';
import { jpeg } from '../../apps/upload/test/upload-fixtures';
import { LocalCluster } from '../../tools/stack/local-cluster';
import { createTestCluster } from '../cluster/cluster-fixture';
import { ApiError, createClient, LoggedOutEvent, StoredSession } from '../../sdk/miniprogram/src';
import { WxShim } from './wx-shim';

const STORAGE_KEY = 'miniprogram-backend:session';

/** The claims of a JWT, unchecked. */
const claimsOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8')) as { sub: string; sid: string };

/** The rejection of `promise`, which must reject. */
async function rejectionOf(promise: Promise<unknown>): Promise<ApiError> {
  try {
    await promise;
  } catch (error) {
    return error as ApiError;
  }
  throw new Error('expected a rejection');
}

describe('mini-program SDK: its client over a wx shim of real HTTP, against auth, catalog, orders and upload behind the real HAProxy', () => {
  let cluster: LocalCluster;
  let staffToken: string;
  let privateKey: string;
  let keyId: string;
  let files: string;

  const api = (path: string) => `${cluster.publicUrl}${path}`;
  /** A mini-program (its storage, its wx) for the user `name`, and its SDK client. */
  const app = (name: string, options: { retryDelayMs?: number; timeoutMs?: number; baseUrl?: string } = {}) => {
    const wx = new WxShim(cluster.sandboxUrl);
    wx.user = name;
    return { wx, client: relaunch(wx, options) };
  };
  /** A new client over the same wx (its storage): a relaunch of the mini-program. */
  const relaunch = (wx: WxShim, options: { retryDelayMs?: number; timeoutMs?: number; baseUrl?: string; onLoggedOut?: (event: LoggedOutEvent) => void } = {}) =>
    createClient({
      baseUrl: options.baseUrl ?? cluster.publicUrl,
      wx,
      retryDelayMs: options.retryDelayMs ?? 50,
      timeoutMs: options.timeoutMs ?? 10000,
      ...options,
    });
  const stored = (wx: WxShim) => wx.getStorageSync(STORAGE_KEY) as StoredSession;
  /** The stored session with its access token swapped for one that expired a minute ago (same user, same session). */
  const expireAccessToken = async (wx: WxShim, clockSaysExpired: boolean) => {
    const session = stored(wx);
    const { sub, sid } = claimsOf(session.accessToken);
    const now = Math.floor(Date.now() / 1000);
    const expired = await signTestToken(privateKey, { subject: sub, sessionId: sid, kid: keyId, issuedAt: now - 960, expiresAt: now - 60 });
    wx.setStorageSync(STORAGE_KEY, { ...session, accessToken: expired, accessExpiresAt: clockSaysExpired ? Date.now() - 60000 : Date.now() + 600000 });
    return expired;
  };
  const seedSku = async (stock: number, priceFen = 990): Promise<{ productId: string; skuId: string }> => {
    const category = await requestJson(api('/api/catalog/admin/categories'), { token: staffToken, body: { name: `SDK ${Date.now()}` } });
    const product = await requestJson(api('/api/catalog/admin/products'), {
      token: staffToken,
      body: { categoryId: category.body.id, title: 'SDK tea', images: ['https://img.example/t.jpg'], skus: [{ name: 'box', priceFen, stock }] },
    });
    expect(product.status).toBe(201);
    return { productId: product.body.id, skuId: product.body.skus[0].id };
  };
  const contact = { name: 'Alice', phone: '13800138000', address: '1 Tea St' };

  beforeAll(async () => {
    cluster = createTestCluster({ auth: 1, catalog: 1, orders: 1, upload: 1 });
    await cluster.start();
    const secrets = join(cluster.options.workDir, 'secrets');
    privateKey = readFileSync(join(secrets, 'jwt-private.pem'), 'utf8');
    keyId = readFileSync(join(secrets, 'jwt-key-id'), 'utf8').trim();
    staffToken = await signTestToken(privateKey, {
      subject: '01SDKSTAFF0000000000000000',
      kind: 'staff',
      roles: ['admin'],
      kid: keyId,
      expiresAt: Math.floor(Date.now() / 1000) + 3600,
    });
    files = mkdtempSync(join(tmpdir(), 'sdk-files-'));
  }, 120000);
  afterAll(async () => {
    await cluster?.stop();
    if (files) rmSync(files, { recursive: true, force: true });
  }, 60000);

  it('login(): wx.login → POST /api/auth/wechat/login, tokens in wx storage, every call with the bearer token and a request id', async () => {
    const { wx, client } = app('alice');
    expect(client.isLoggedIn()).toBe(false);
    const login = await client.login();
    expect(login.user.id).toEqual(expect.any(String));
    expect(stored(wx)).toMatchObject({ accessToken: login.accessToken, refreshToken: login.refreshToken, user: { id: login.user.id } });
    expect(stored(wx).accessExpiresAt).toBeGreaterThan(Date.now() + 60000);

    // A relaunched mini-program finds its session in storage.
    const me = await relaunch(wx).auth.me();
    expect(me.id).toBe(login.user.id);
    const [call] = wx.callsTo('GET', '/api/auth/me');
    expect(call.headers.authorization).toBe(`Bearer ${login.accessToken}`);
    expect(call.headers['x-request-id']).toMatch(/^[a-z0-9-]{10,}$/);
    expect(wx.callsTo('POST', '/api/auth/wechat/login')[0].headers.authorization).toBeUndefined();
  });

  it('10 calls racing one expired access token: one refresh, all 10 answered, the rotated session still valid', async () => {
    const { wx, client: first } = app('racer');
    await first.login();
    const before = stored(wx);
    const expired = await expireAccessToken(wx, false);
    const client = relaunch(wx);
    const replies = await Promise.all(Array.from({ length: 10 }, () => client.orders.list()));
    expect(replies.map((reply) => Array.isArray(reply.items))).toEqual(Array(10).fill(true));
    const refreshes = wx.callsTo('POST', '/api/auth/refresh');
    const rejected = wx.calls.filter((call) => call.code === 'TOKEN_EXPIRED');
    process.stdout.write(`SDK race on an expired token: ${rejected.length} calls answered TOKEN_EXPIRED, ${refreshes.length} refresh\n`);
    expect(refreshes).toHaveLength(1);
    expect(rejected.length).toBeGreaterThanOrEqual(1);
    expect(rejected.every((call) => call.headers.authorization === `Bearer ${expired}`)).toBe(true);
    const after = stored(wx);
    expect(after.refreshToken).not.toBe(before.refreshToken);
    expect(wx.callsTo('GET', '/api/orders').filter((call) => call.status === 200)).toHaveLength(10);
    // A second refresh with the rotated token would have revoked the session; it is alive.
    expect((await client.auth.me()).id).toBe(before.user?.id);
  });

  it('10 calls when the phone clock says the token expired: one refresh before any is sent, none refused', async () => {
    const { wx, client: first } = app('clockwatcher');
    await first.login();
    await expireAccessToken(wx, true);
    const client = relaunch(wx);
    await Promise.all(Array.from({ length: 10 }, () => client.auth.me()));
    expect(wx.callsTo('POST', '/api/auth/refresh')).toHaveLength(1);
    expect(wx.calls.filter((call) => call.status === 401)).toHaveLength(0);
  });

  it('a refused refresh ends the session once: storage cleared, "logged out" reported, every waiting call LOGGED_OUT', async () => {
    const { wx, client: first } = app('refused');
    await first.login();
    await expireAccessToken(wx, false);
    wx.setStorageSync(STORAGE_KEY, { ...stored(wx), refreshToken: 'not-a-refresh-token' });
    const events: LoggedOutEvent[] = [];
    const client = relaunch(wx, { onLoggedOut: (event) => events.push(event) });
    const errors = await Promise.all(Array.from({ length: 5 }, () => rejectionOf(client.orders.list())));
    expect(errors.map((error) => [error instanceof ApiError, error.statusCode, error.code])).toEqual(Array(5).fill([true, 401, 'LOGGED_OUT']));
    expect(wx.callsTo('POST', '/api/auth/refresh')).toHaveLength(1);
    expect(events.map((event) => [event.reason, event.error?.code])).toEqual([['refresh_refused', 'REFRESH_TOKEN_INVALID']]);
    expect(wx.storage.has(STORAGE_KEY)).toBe(false);
    expect(client.isLoggedIn()).toBe(false);
  });

  it('a session revoked elsewhere (logout on another device) is reported logged out without a refresh', async () => {
    const { wx, client } = app('revoked');
    const events: LoggedOutEvent[] = [];
    client.onLoggedOut((event) => events.push(event));
    const login = await client.login();
    expect((await requestJson(api('/api/auth/logout'), { method: 'POST', token: login.accessToken })).status).toBe(204);
    const error = await rejectionOf(client.auth.me());
    expect([error.code, error.statusCode]).toEqual(['LOGGED_OUT', 401]);
    expect(events.map((event) => event.reason)).toEqual(['session_revoked']);
    expect(wx.callsTo('POST', '/api/auth/refresh')).toHaveLength(0);
    expect(wx.storage.has(STORAGE_KEY)).toBe(false);
  });

  it('an order whose answer is lost and whose retry is refused is retried with the same Idempotency-Key: one order, stock taken once', async () => {
    const { skuId } = await seedSku(10);
    const { wx, client } = app('retrier');
    await client.login();
    wx.faults.push({ match: (method, path) => method === 'POST' && path === '/api/orders', kind: 'lost-answer' });
    wx.faults.push({ match: (method, path) => method === 'POST' && path === '/api/orders', kind: 'refused' });
    const order = await client.orders.create({ items: [{ skuId, quantity: 3 }], contact });
    expect(order).toMatchObject({ status: 'pending_payment', totalFen: 2970 });
    const posts = wx.callsTo('POST', '/api/orders');
    process.stdout.write(`SDK keyed retry: ${posts.length} POST /api/orders (${posts.map((call) => call.status || 'no answer').join(', ')})\n`);
    expect(posts).toHaveLength(3);
    expect(new Set(posts.map((call) => call.headers['idempotency-key'])).size).toBe(1);
    expect(posts[0].headers['idempotency-key']).toMatch(/^[\x21-\x7e]{1,255}$/);
    const mine = await client.orders.list();
    expect(mine.items.map((item) => item.id)).toEqual([order.id]);
    const product = await requestJson(api(`/api/catalog/products/${order.items[0].productId}`));
    expect(product.body.skus[0].stock).toBe(7);
    // Another user action gets another key: a second order.
    const second = await client.orders.create({ items: [{ skuId, quantity: 1 }], contact });
    expect(second.id).not.toBe(order.id);
    expect(wx.callsTo('POST', '/api/orders')[3].headers['idempotency-key']).not.toBe(posts[0].headers['idempotency-key']);
  });

  it('a booking whose answer is lost is retried with the same key: one place of the slot taken', async () => {
    const resource = await requestJson(api('/api/appointments/admin/resources'), { token: staffToken, body: { name: 'Dr. SDK', kind: 'doctor' } });
    const start = new Date(Date.now() + 2 * 86400000);
    const slots = await requestJson(api('/api/appointments/admin/slots'), {
      token: staffToken,
      body: {
        resourceId: resource.body.id,
        slots: [{ startsAt: start.toISOString(), endsAt: new Date(start.getTime() + 1800000).toISOString(), capacity: 3 }],
      },
    });
    expect(slots.status).toBe(201);
    const slotId = slots.body.items[0].id as string;
    const { wx, client } = app('patient');
    await client.login();
    wx.faults.push({ match: (method, path) => method === 'POST' && path === '/api/appointments', kind: 'lost-answer' });
    const booking = await client.appointments.book({ slotId, contact: { name: 'Alice', phone: '13800138000' } });
    expect(booking).toMatchObject({ slotId, status: expect.any(String) });
    const posts = wx.callsTo('POST', '/api/appointments');
    expect(posts).toHaveLength(2);
    expect(posts[0].headers['idempotency-key']).toBe(posts[1].headers['idempotency-key']);
    expect((await client.appointments.list()).items.map((item) => item.id)).toEqual([booking.id]);
    const day = businessDay(start);
    const open = await client.appointments.slots({ resourceId: resource.body.id, date: day });
    expect(open.items.find((slot) => slot.id === slotId)?.remaining).toBe(2);
  });

  it('requestPayment(): POST /api/orders/:id/pay, wx.requestPayment, and the order shown paid; a closed payment sheet is PAYMENT_CANCELLED', async () => {
    const { skuId } = await seedSku(5, 1288);
    const { wx, client } = app('payer');
    await client.login();
    const order = await client.orders.create({ items: [{ skuId, quantity: 1 }], contact });
    const paid = await client.requestPayment(order.id);
    expect(paid.confirmed).toBe(true);
    expect(paid.order).toMatchObject({ id: order.id, status: 'paid', totalFen: 1288 });
    expect(wx.callsTo('POST', `/api/orders/${order.id}/pay`)[0].headers['idempotency-key']).toEqual(expect.any(String));

    const unpaid = await client.orders.create({ items: [{ skuId, quantity: 1 }], contact });
    wx.payment = 'cancel';
    const cancelled = await rejectionOf(client.requestPayment(unpaid.id));
    expect(cancelled).toMatchObject({ statusCode: 0, code: 'PAYMENT_CANCELLED', errMsg: 'requestPayment:fail cancel' });
    expect((await client.orders.get(unpaid.id)).status).toBe('pending_payment');
  }, 60000);

  it('uploadFile(): wx.uploadFile with the token, progress events up to 100 %, the upload record back', async () => {
    const { client } = app('uploader');
    await client.login();
    const image = await jpeg(640, 480, { noise: true });
    const path = join(files, 'tmp_sdk_photo.jpg');
    writeFileSync(path, image);
    const progress: number[] = [];
    let expected = 0;
    const uploaded = await client.uploadFile(path, {
      onProgress: (event) => {
        progress.push(event.progress);
        expected = event.totalBytesExpectedToSend;
      },
    });
    process.stdout.write(`SDK upload: ${image.length} bytes, ${progress.length} progress events, last ${progress[progress.length - 1]} %\n`);
    expect(uploaded).toMatchObject({ mime: 'image/jpeg', size: image.length, width: 640, height: 480 });
    expect(uploaded.id).toEqual(expect.any(String));
    expect(progress.length).toBeGreaterThan(3);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(progress[progress.length - 1]).toBe(100);
    expect(expected).toBeGreaterThan(image.length);
    const file = await fetch(uploaded.url.startsWith('http') ? uploaded.url : api(uploaded.url));
    expect(file.status).toBe(200);
  });

  it('auth.updateProfile(): PATCH /api/auth/me goes as POST + X-HTTP-Method-Override (wx.request has no PATCH); GET /api/auth/me shows the nickname', async () => {
    const { wx, client } = app('renamer');
    const login = await client.login();
    const profile = await client.auth.updateProfile({ nickname: '小明' });
    expect(profile).toMatchObject({ id: login.user.id, nickname: '小明' });
    const [sent] = wx.callsTo('POST', '/api/auth/me');
    expect(sent).toMatchObject({ status: 200, body: { nickname: '小明' } });
    expect(sent.headers['x-http-method-override']).toBe('PATCH');
    expect(sent.headers.authorization).toBe(`Bearer ${login.accessToken}`);
    // Read back by a relaunched mini-program, and by plain HTTP with the same token.
    expect((await relaunch(wx).auth.me()).nickname).toBe('小明');
    const me = await requestJson(api('/api/auth/me'), { token: login.accessToken });
    expect(me).toMatchObject({ status: 200, body: { id: login.user.id, nickname: '小明' } });
    // The stored session's user follows.
    expect(client.user?.nickname).toBe('小明');
    expect(stored(wx).user?.nickname).toBe('小明');

    // The typed request() sends every PATCH route the same way.
    const renamed = await client.request('patch', '/api/auth/me', { body: { nickname: '小红' } });
    expect(renamed.nickname).toBe('小红');
    expect((await client.auth.me()).nickname).toBe('小红');
    expect(wx.callsTo('POST', '/api/auth/me').map((call) => [call.status, call.headers['x-http-method-override']])).toEqual([
      [200, 'PATCH'],
      [200, 'PATCH'],
    ]);

    // The shim refuses a PATCH as WeChat does, so none of the calls above was one.
    const refused = await new Promise<string>((resolve) =>
      wx.request({ url: api('/api/auth/me'), method: 'PATCH' as never, success: () => resolve('sent'), fail: (failure) => resolve(failure.errMsg) }),
    );
    expect(refused).toMatch(/^request:fail parameter error/);
    expect(wx.calls.filter((call) => call.method === 'PATCH').map((call) => call.status)).toEqual([0]);
  });

  it('auth.updateProfile({avatarUploadId}): an uploaded image becomes the avatar once WeChat passes it, null removes it; another user cannot take it', async () => {
    const { wx, client } = app('portrait');
    await client.login();
    const path = join(files, 'tmp_sdk_avatar.jpg');
    writeFileSync(path, await jpeg(128, 128));
    const uploaded = await client.uploadFile(path);
    const profile = await client.auth.updateProfile({ avatarUploadId: uploaded.id });
    // Pending until the sandbox's media check pushes its pass (through HAProxy, auth's receiver and the bus); a pass
    // that came back before the answer was built is in it already.
    expect([profile.avatarUploadId, profile.pendingAvatarUploadId].filter(Boolean)).toEqual([uploaded.id]);
    const deadline = Date.now() + 60000;
    while ((await client.auth.me()).avatarUploadId !== uploaded.id) {
      if (Date.now() > deadline) throw new Error('the avatar was never passed');
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(wx.callsTo('POST', '/api/auth/me')[0].body).toEqual({ avatarUploadId: uploaded.id });

    const other = app('portrait-thief');
    await other.client.login();
    const taken = await rejectionOf(other.client.auth.updateProfile({ avatarUploadId: uploaded.id }));
    expect(taken).toMatchObject({ statusCode: 404, code: 'UPLOAD_NOT_FOUND' });

    const removed = await client.auth.updateProfile({ avatarUploadId: null });
    expect(removed.avatarUploadId).toBeNull();
    expect((await client.auth.me()).avatarUploadId).toBeNull();
  });

  it('a bad nickname is a typed error: VALIDATION_FAILED (too long), CONTENT_REJECTED (WeChat content check); the profile unchanged', async () => {
    const { wx, client } = app('misnamed');
    await client.login();
    await client.auth.updateProfile({ nickname: 'Tea fan' });
    const tooLong = await rejectionOf(client.auth.updateProfile({ nickname: '茶'.repeat(33) }));
    expect(tooLong).toBeInstanceOf(ApiError);
    expect(tooLong).toMatchObject({ statusCode: 400, code: 'VALIDATION_FAILED', message: expect.any(String) });
    expect(tooLong.details).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'nickname' })]));
    expect(tooLong.requestId).toBe(wx.callsTo('POST', '/api/auth/me')[1].headers['x-request-id']);
    const risky = await rejectionOf(client.auth.updateProfile({ nickname: 'a forbidden-word' }));
    expect(risky).toMatchObject({ statusCode: 422, code: 'CONTENT_REJECTED' });
    expect((await client.auth.me()).nickname).toBe('Tea fan');
    // Not retried: a refused write is answered, and other writes than keyed ones are sent once.
    expect(wx.callsTo('POST', '/api/auth/me')).toHaveLength(3);
  });

  it('typed errors: the envelope {statusCode, code, message, requestId} for refusals, NETWORK_ERROR and TIMEOUT with the request id sent', async () => {
    const { wx, client } = app('erring');
    await client.login();
    const invalid = await rejectionOf(client.orders.create({ items: [], contact }));
    expect(invalid).toBeInstanceOf(ApiError);
    expect(invalid).toMatchObject({ statusCode: 400, code: 'VALIDATION_FAILED', message: expect.any(String) });
    const [sent] = wx.callsTo('POST', '/api/orders');
    expect(invalid.requestId).toBe(sent.headers['x-request-id']);
    expect(invalid.toJSON()).toMatchObject({ statusCode: 400, code: 'VALIDATION_FAILED', requestId: invalid.requestId });

    const missing = await rejectionOf(client.orders.get('01ARZ3NDEKTSV4RRFFQ69G5FAV'));
    expect(missing).toMatchObject({ statusCode: 404, code: 'ORDER_NOT_FOUND' });
    const stock = await seedSku(1);
    const short = await rejectionOf(client.orders.create({ items: [{ skuId: stock.skuId, quantity: 2 }], contact }));
    expect(short).toMatchObject({ statusCode: 409, code: 'INSUFFICIENT_STOCK' });
    const anonymous = await rejectionOf(app('nobody').client.orders.list());
    expect(anonymous).toMatchObject({ statusCode: 401, code: 'UNAUTHENTICATED' });

    const closedPort = await freePort();
    const offline = app('offline', { baseUrl: `http://127.0.0.1:${closedPort}` });
    const network = await rejectionOf(offline.client.catalog.products());
    expect(network).toMatchObject({ statusCode: 0, code: 'NETWORK_ERROR', requestId: expect.any(String) });
    expect(offline.wx.calls).toHaveLength(3); // a read is tried 1 + 2 times

    const silent: Server = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const port = (silent.address() as { port: number }).port;
      const slow = app('slow', { baseUrl: `http://127.0.0.1:${port}`, timeoutMs: 300 });
      const timeout = await rejectionOf(slow.client.catalog.home());
      expect(timeout).toMatchObject({ statusCode: 0, code: 'TIMEOUT', errMsg: 'request:fail timeout' });
    } finally {
      silent.close();
    }
  });

  it('requestSubscribeMessage(): the wx result, with the accepted and rejected choices reported to the backend', async () => {
    const { wx, client } = app('subscriber');
    await client.login();
    wx.subscribeAnswers = { order_paid: 'accept', order_shipped: 'reject', booking_made: 'ban' };
    const result = await client.requestSubscribeMessage(['order_paid', 'order_shipped', 'booking_made']);
    expect(result.results).toEqual({ order_paid: 'accept', order_shipped: 'reject', booking_made: 'ban' });
    const [report] = wx.callsTo('POST', '/api/auth/subscriptions');
    expect(report.body).toEqual({ results: { order_paid: 'accept', order_shipped: 'reject' } });
    expect([report.status, result.reported]).toEqual([200, true]);
  });
});
