import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LocalCluster } from '../../tools/stack/local-cluster';
import { createTestCluster, sleep } from '../cluster/cluster-fixture';
import { ContractClient } from './contract-client';
import { OpenApiDocument, OpenApiValidator, UNROUTED } from './openapi-validator';

const DOCUMENT_FILE = join(__dirname, '../../docs/openapi.json');
const STAFF = { username: 'admin', password: 'a-long-password' };
const MISSING_ID = '01JDQ8Z6Y3B4C5D6E7F8G9H0JK';
const HOUR = 3600000;
const ADDRESS = { name: '张三', phone: '13800138000', province: '浙江省', city: '杭州市', district: '西湖区', detail: '龙井路 1 号' };

/** Polls `check` every 150 ms until it answers true. */
async function until(check: () => Promise<boolean>, timeoutMs = 15000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(150);
  }
}

interface SandboxOrder {
  trade_state: string;
  total: number;
  refunded: number;
  refunds: { out_refund_no: string; refund: number }[];
}

describe('API contract, commerce: address book, cart, coupons and after-sales through the load balancer, every response validated against docs/openapi.json', () => {
  const document = JSON.parse(readFileSync(DOCUMENT_FILE, 'utf8')) as OpenApiDocument;
  const validator = new OpenApiValidator(document);
  let cluster: LocalCluster;
  const api = new ContractClient(() => cluster.publicUrl, validator);
  const started = Date.now();
  let alice: string;
  let bob: string;
  let staff: string;
  let skus: { id: string; priceFen: number }[];
  let addressId: string;
  let bobAddressId: string;
  let couponId: string;
  let bigCouponId: string;
  let orderId: string;
  let orderNo: string;
  const login = async (code: string) => {
    const reply = await api.post('/api/auth/wechat/login', { json: { code } });
    expect(reply.status).toBe(200);
    return reply.body.accessToken as string;
  };
  const sandboxOrder = async (outTradeNo: string) => (await (await fetch(`${cluster.sandboxUrl}/sandbox/pay/orders/${outTradeNo}`)).json()) as SandboxOrder;

  beforeAll(async () => {
    cluster = createTestCluster({ auth: 1, catalog: 1, orders: 1 }, { ADMIN_BOOTSTRAP_USERNAME: STAFF.username, ADMIN_BOOTSTRAP_PASSWORD: STAFF.password });
    await cluster.start();
    alice = await login('test:alice');
    bob = await login('test:bob');
    const staffLogin = await api.post('/api/auth/admin/login', { json: STAFF });
    expect(staffLogin.status).toBe(200);
    staff = staffLogin.body.accessToken as string;
    const category = await api.post('/api/catalog/admin/categories', { token: staff, json: { name: 'Tea' } });
    const product = await api.post('/api/catalog/admin/products', {
      token: staff,
      json: {
        categoryId: category.body.id,
        title: 'West Lake Longjing',
        images: ['https://img.example/longjing.jpg'],
        skus: [
          { name: '250 g', priceFen: 1990, stock: 50 },
          { name: '500 g', priceFen: 3590, stock: 20 },
          { name: '1 kg', priceFen: 6990, stock: 5 },
        ],
      },
    });
    expect(product.status).toBe(201);
    skus = product.body.skus as { id: string; priceFen: number }[];
  }, 120000);
  afterAll(() => cluster?.stop(), 60000);

  it('addresses: add, list, edit (PATCH and POST with X-HTTP-Method-Override: PATCH), delete; another user’s is 404 ADDRESS_NOT_FOUND', async () => {
    const token = alice;
    expect((await api.get('/api/auth/addresses', { token })).body.items).toEqual([]);
    const first = await api.post('/api/auth/addresses', { token, json: { ...ADDRESS, postalCode: '310000' } });
    expect(first.status).toBe(201);
    expect(first.body.isDefault).toBe(true);
    addressId = first.body.id as string;
    const second = await api.post('/api/auth/addresses', { token, json: { ...ADDRESS, name: '李四', detail: '南山路 2 号' } });
    expect(second.status).toBe(201);
    expect(second.body.isDefault).toBe(false);
    expect((await api.post('/api/auth/addresses', { token, json: { ...ADDRESS, phone: '123' } })).body.code).toBe('VALIDATION_FAILED');
    expect((await api.post('/api/auth/addresses', { token, json: { ...ADDRESS, country: 'CN' } })).status).toBe(400);
    expect((await api.post('/api/auth/addresses', { token, json: { name: 'x' } })).status).toBe(400);
    expect((await api.post('/api/auth/addresses', { json: ADDRESS })).status).toBe(401);

    const overridden = await api.post(`/api/auth/addresses/${addressId}`, {
      token,
      json: { detail: '龙井路 3 号' },
      headers: { 'x-http-method-override': 'PATCH' },
    });
    expect(overridden.status).toBe(200);
    expect(overridden.body.detail).toBe('龙井路 3 号');
    const patched = await api.patch(`/api/auth/addresses/${second.body.id}`, { token, json: { isDefault: true } });
    expect(patched.body.isDefault).toBe(true);
    const list = await api.get('/api/auth/addresses', { token });
    expect(list.body.items.map((item: { id: string; isDefault: boolean }) => [item.id, item.isDefault])).toEqual([
      [second.body.id, true],
      [addressId, false],
    ]);
    expect((await api.patch(`/api/auth/addresses/${addressId}`, { token, json: { phone: 'x' } })).status).toBe(400);
    expect((await api.patch(`/api/auth/addresses/${addressId}`, { token, json: { isDefault: 'yes' } })).status).toBe(400);
    expect((await api.patch('/api/auth/addresses/not-an-id', { token, json: { detail: 'x' } })).status).toBe(400);

    const bobs = await api.post('/api/auth/addresses', { token: bob, json: { ...ADDRESS, name: 'Bob' } });
    expect(bobs.status).toBe(201);
    bobAddressId = bobs.body.id as string;
    expect((await api.patch(`/api/auth/addresses/${bobAddressId}`, { token, json: { detail: 'x' } })).body.code).toBe('ADDRESS_NOT_FOUND');
    expect((await api.delete(`/api/auth/addresses/${bobAddressId}`, { token })).body.code).toBe('ADDRESS_NOT_FOUND');

    expect((await api.delete(`/api/auth/addresses/${second.body.id}`, { token })).status).toBe(204);
    expect((await api.delete(`/api/auth/addresses/${second.body.id}`, { token })).body.code).toBe('ADDRESS_NOT_FOUND');
    expect((await api.delete('/api/auth/addresses/not-an-id', { token })).status).toBe(400);
    expect((await api.get('/api/auth/addresses', { token })).body.items).toHaveLength(1);
    expect((await api.get('/api/auth/addresses')).status).toBe(401);
  });

  it('cart: set lines, read it with today’s prices, remove a line; an unknown SKU is 404 SKU_NOT_FOUND', async () => {
    const token = alice;
    expect((await api.get('/api/cart', { token })).body).toEqual({ items: [], totalFen: 0 });
    expect((await api.put(`/api/cart/items/${skus[0].id}`, { token, json: { quantity: 2 } })).status).toBe(200);
    expect((await api.put(`/api/cart/items/${skus[1].id}`, { token, json: { quantity: 1 } })).status).toBe(200);
    const three = await api.put(`/api/cart/items/${skus[2].id}`, { token, json: { quantity: 1 } });
    expect(three.body.items).toHaveLength(3);
    expect((await api.put(`/api/cart/items/${MISSING_ID}`, { token, json: { quantity: 1 } })).body.code).toBe('SKU_NOT_FOUND');
    expect((await api.put(`/api/cart/items/${skus[0].id}`, { token, json: { quantity: 100 } })).body.code).toBe('VALIDATION_FAILED');
    expect((await api.put(`/api/cart/items/${skus[0].id}`, { token, json: { quantity: 1, priceFen: 1 } })).status).toBe(400);
    expect((await api.put(`/api/cart/items/${skus[0].id}`, { token, json: {} })).status).toBe(400);
    expect((await api.put('/api/cart/items/not-an-id', { token, json: { quantity: 1 } })).status).toBe(400);
    expect((await api.put(`/api/cart/items/${skus[0].id}`, { json: { quantity: 1 } })).status).toBe(401);
    expect((await api.delete(`/api/cart/items/${skus[2].id}`, { token })).status).toBe(204);
    expect((await api.delete('/api/cart/items/not-an-id', { token })).status).toBe(400);
    const cart = await api.get('/api/cart', { token });
    expect(cart.body.items.map((item: { skuId: string; quantity: number }) => [item.skuId, item.quantity])).toEqual(
      expect.arrayContaining([
        [skus[0].id, 2],
        [skus[1].id, 1],
      ]),
    );
    expect(cart.body.items).toHaveLength(2);
    expect(cart.body.totalFen).toBe(2 * 1990 + 3590);
    expect((await api.get('/api/cart')).status).toBe(401);
  });

  it('coupons: staff create, list, get and edit; a user lists, claims with Idempotency-Key (a second claim is 409 COUPON_LIMIT_REACHED), lists their own', async () => {
    const coupon = {
      name: '满 50 减 5',
      kind: 'amount',
      amountFen: 500,
      minSpendFen: 5000,
      total: 100,
      perUserLimit: 1,
      startsAt: new Date(Date.now() - HOUR).toISOString(),
      endsAt: new Date(Date.now() + 24 * HOUR).toISOString(),
    };
    const created = await api.post('/api/orders/admin/coupons', { token: staff, json: coupon });
    expect(created.status).toBe(201);
    couponId = created.body.id as string;
    const big = await api.post('/api/orders/admin/coupons', {
      token: staff,
      json: { ...coupon, name: '满 1000 减 100', amountFen: 10000, minSpendFen: 100000 },
    });
    expect(big.status).toBe(201);
    bigCouponId = big.body.id as string;
    expect((await api.post('/api/orders/admin/coupons', { token: staff, json: { ...coupon, kind: 'free' } })).status).toBe(400);
    expect((await api.post('/api/orders/admin/coupons', { token: staff, json: { ...coupon, total: 0 } })).status).toBe(400);
    expect((await api.post('/api/orders/admin/coupons', { token: alice, json: coupon })).status).toBe(403);
    expect((await api.post('/api/orders/admin/coupons', { json: coupon })).status).toBe(401);
    expect((await api.get('/api/orders/admin/coupons', { token: staff })).body.items).toHaveLength(2);
    expect((await api.get('/api/orders/admin/coupons?kind=amount&limit=1', { token: staff })).body.items).toHaveLength(1);
    expect((await api.get('/api/orders/admin/coupons?limit=0', { token: staff })).status).toBe(400);
    expect((await api.get(`/api/orders/admin/coupons/${couponId}`, { token: staff })).body).toMatchObject({ claimed: 0, total: 100 });
    expect((await api.get(`/api/orders/admin/coupons/${MISSING_ID}`, { token: staff })).body.code).toBe('COUPON_NOT_FOUND');
    expect((await api.patch(`/api/orders/admin/coupons/${couponId}`, { token: staff, json: { name: '满 50 减 5 元' } })).body.name).toBe('满 50 减 5 元');
    expect((await api.patch(`/api/orders/admin/coupons/${MISSING_ID}`, { token: staff, json: { name: 'x' } })).status).toBe(404);
    expect((await api.patch(`/api/orders/admin/coupons/${couponId}`, { token: staff, json: { total: 'many' } })).status).toBe(400);

    const claimable = await api.get('/api/coupons');
    expect(claimable.body.items.map((item: { id: string }) => item.id).sort()).toEqual([couponId, bigCouponId].sort());
    expect((await api.get('/api/coupons?limit=500')).status).toBe(400);
    const claimed = await api.post(`/api/coupons/${couponId}/claim`, { token: alice, headers: { 'idempotency-key': 'commerce-claim-1' } });
    expect(claimed.status).toBe(201);
    expect(claimed.body).toMatchObject({ status: 'unused', coupon: { id: couponId } });
    const replayed = await api.post(`/api/coupons/${couponId}/claim`, { token: alice, headers: { 'idempotency-key': 'commerce-claim-1' } });
    expect([replayed.status, replayed.body]).toEqual([201, claimed.body]);
    expect((await api.post(`/api/coupons/${couponId}/claim`, { token: alice, headers: { 'idempotency-key': 'commerce-claim-2' } })).body.code).toBe(
      'COUPON_LIMIT_REACHED',
    );
    expect((await api.post(`/api/coupons/${MISSING_ID}/claim`, { token: alice })).body.code).toBe('COUPON_NOT_FOUND');
    expect((await api.post(`/api/coupons/${couponId}/claim`)).status).toBe(401);
    expect((await api.post(`/api/coupons/${bigCouponId}/claim`, { token: alice, headers: { 'idempotency-key': 'commerce-claim-3' } })).status).toBe(201);
    const mine = await api.get('/api/coupons/mine', { token: alice });
    expect(mine.body.items).toHaveLength(2);
    expect((await api.get('/api/coupons/mine?status=unused&limit=10', { token: alice })).body.items).toHaveLength(2);
    expect((await api.get('/api/coupons/mine?status=lost', { token: alice })).status).toBe(400);
    expect((await api.get('/api/coupons/mine')).status).toBe(401);
  });

  it('orders from the cart with a coupon and an address: discountFen, the lines leave the cart, paid in the sandbox; the coupon’s errors', async () => {
    const token = alice;
    const mine = (await api.get('/api/coupons/mine?status=unused', { token })).body.items as { id: string; coupon: { id: string } }[];
    const userCouponId = mine.find((item) => item.coupon.id === couponId)!.id;
    const bigUserCouponId = mine.find((item) => item.coupon.id === bigCouponId)!.id;
    const cart = (await api.get('/api/cart', { token })).body.items as { skuId: string; quantity: number }[];
    const items = cart.map(({ skuId, quantity }) => ({ skuId, quantity }));

    expect((await api.post('/api/orders', { token, json: { items, addressId, userCouponId: bigUserCouponId } })).body.code).toBe('COUPON_NOT_APPLICABLE');
    expect((await api.post('/api/orders', { token, json: { items, addressId: bobAddressId, userCouponId } })).body.code).toBe('ADDRESS_NOT_FOUND');
    expect((await api.post('/api/orders', { token, json: { items, addressId, userCouponId: MISSING_ID } })).body.code).toBe('COUPON_NOT_FOUND');
    expect((await api.post('/api/orders', { token, json: { items, addressId, userCouponId: 'not-an-id' } })).status).toBe(400);

    const body = { items, addressId, userCouponId, remark: '请下午送货' };
    const placed = await api.post('/api/orders', { token, json: body, headers: { 'idempotency-key': 'commerce-order-1' } });
    expect(placed.status).toBe(201);
    expect(placed.body).toMatchObject({ status: 'pending_payment', discountFen: 500, contact: { name: ADDRESS.name, phone: ADDRESS.phone } });
    orderId = placed.body.id as string;
    orderNo = placed.body.orderNo as string;
    expect((await api.post('/api/orders', { token, json: body, headers: { 'idempotency-key': 'commerce-order-1' } })).body).toEqual(placed.body);
    expect((await api.get('/api/cart', { token })).body).toEqual({ items: [], totalFen: 0 });
    expect((await api.post('/api/orders', { token, json: body, headers: { 'idempotency-key': 'commerce-order-2' } })).body.code).toBe('COUPON_ALREADY_USED');
    expect((await api.get('/api/coupons/mine?status=used', { token })).body.items).toHaveLength(1);

    const params = await api.post(`/api/orders/${orderId}/pay`, { token, headers: { 'idempotency-key': 'commerce-pay-1' } });
    expect(params.status).toBe(200);
    const paid = await fetch(`${cluster.sandboxUrl}/sandbox/pay/${(params.body.package as string).replace('prepay_id=', '')}`, { method: 'POST' });
    expect(((await paid.json()) as { notified: boolean }).notified).toBe(true);
    await until(async () => (await api.get(`/api/orders/${orderId}`, { token })).body.status === 'paid');
    expect((await sandboxOrder(orderNo)).total).toBe(placed.body.totalFen);
  });

  it('after-sales: a partial refund approved lower comes back in the sandbox; a second rejected, a third withdrawn; with their errors', async () => {
    const token = alice;
    const paidFen = (await sandboxOrder(orderNo)).total;
    const ask = (json: Record<string, unknown>, key?: string) =>
      api.post(`/api/orders/${orderId}/after-sales`, { token, json, headers: key ? { 'idempotency-key': key } : {} });
    const request = { reason: '收到的茶叶受潮了', refundFen: 1000, items: [{ skuId: skus[0].id, quantity: 1 }], remark: '见图' };
    const first = await ask(request, 'commerce-as-1');
    expect([first.status, first.body.status]).toEqual([201, 'requested']);
    expect((await ask(request, 'commerce-as-1')).body).toEqual(first.body);
    expect((await ask({ ...request, refundFen: 999 }, 'commerce-as-1')).body.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect((await ask({ ...request, refundFen: 10 }, 'commerce-as-2')).body.code).toBe('AFTER_SALE_OPEN');
    expect((await ask({ ...request, refundFen: 0 })).body.code).toBe('VALIDATION_FAILED');
    expect((await ask({ reason: 'x' })).status).toBe(400);
    expect((await api.post(`/api/orders/${MISSING_ID}/after-sales`, { token, json: request })).body.code).toBe('ORDER_NOT_FOUND');
    expect((await api.post(`/api/orders/${orderId}/after-sales`, { token: bob, json: request })).body.code).toBe('ORDER_NOT_FOUND');
    expect((await api.get(`/api/orders/${orderId}/after-sales`, { token })).body.items).toHaveLength(1);
    expect((await api.get(`/api/orders/${orderId}/after-sales`, { token: bob })).body.code).toBe('ORDER_NOT_FOUND');

    const open = await api.get('/api/orders/admin/after-sales?status=requested', { token: staff });
    expect(open.body.items.map((item: { id: string }) => item.id)).toEqual([first.body.id]);
    expect((await api.get('/api/orders/admin/after-sales?status=lost', { token: staff })).status).toBe(400);
    expect((await api.get('/api/orders/admin/after-sales', { token })).status).toBe(403);
    const approve = (id: string, json: Record<string, unknown>) => api.post(`/api/orders/admin/after-sales/${id}/approve`, { token: staff, json });
    expect((await approve(first.body.id, { refundFen: 0 })).status).toBe(400);
    expect((await approve(MISSING_ID, {})).body.code).toBe('AFTER_SALE_NOT_FOUND');
    const approved = await approve(first.body.id, { refundFen: 800 });
    expect(approved.status).toBe(200);
    expect((await approve(first.body.id, {})).body.code).toBe('AFTER_SALE_STATE_CONFLICT');
    await until(async () => (await sandboxOrder(orderNo)).refunded === 800);
    await until(async () => (await api.get(`/api/orders/${orderId}/after-sales`, { token })).body.items[0]?.status === 'refunded');
    const [refunded] = (await api.get(`/api/orders/${orderId}/after-sales`, { token })).body.items;
    expect(refunded).toMatchObject({ id: first.body.id, status: 'refunded', refundFen: 1000, refund: { status: 'succeeded', amountFen: 800 } });

    expect((await ask({ reason: '全部退', refundFen: paidFen - 800 + 1 }, 'commerce-as-3')).body.code).toBe('REFUND_EXCEEDS_REFUNDABLE');
    const second = await ask({ reason: '不想要了', refundFen: 500 }, 'commerce-as-4');
    expect(second.status).toBe(201);
    const reject = (id: string, json: Record<string, unknown>) => api.post(`/api/orders/admin/after-sales/${id}/reject`, { token: staff, json });
    expect((await reject(second.body.id, {})).status).toBe(400);
    expect((await reject(MISSING_ID, { reason: 'x' })).status).toBe(404);
    expect((await reject(second.body.id, { reason: '商品已使用，不支持退款' })).body.status).toBe('rejected');
    expect((await reject(second.body.id, { reason: 'again' })).body.code).toBe('AFTER_SALE_STATE_CONFLICT');
    expect((await approve(second.body.id, {})).body.code).toBe('AFTER_SALE_STATE_CONFLICT');

    const third = await ask({ reason: '再想想', refundFen: 300 }, 'commerce-as-5');
    expect(third.status).toBe(201);
    const withdraw = (id: string, as = token) => api.post(`/api/orders/${orderId}/after-sales/${id}/withdraw`, { token: as });
    expect((await withdraw(third.body.id, bob)).status).toBe(404);
    expect((await withdraw(MISSING_ID)).body.code).toBe('AFTER_SALE_NOT_FOUND');
    expect((await withdraw(third.body.id)).body.status).toBe('withdrawn');
    expect((await withdraw(third.body.id)).body.code).toBe('AFTER_SALE_STATE_CONFLICT');
    expect((await withdraw(first.body.id)).body.code).toBe('AFTER_SALE_STATE_CONFLICT');
    const all = (await api.get(`/api/orders/${orderId}/after-sales?limit=10`, { token })).body.items as { status: string }[];
    expect(all.map((item) => item.status).sort()).toEqual(['refunded', 'rejected', 'withdrawn']);
    expect((await api.get('/api/orders/admin/after-sales?status=requested', { token: staff })).body.items).toEqual([]);
    expect((await sandboxOrder(orderNo)).refunded).toBe(800);
  });

  it('the edges: a full address book, coupons not claimable, exhausted or shrunk below their claims, a cancelled order’s coupon back, refunds on lines not ordered', async () => {
    const token = bob;
    const book = (await api.get('/api/auth/addresses', { token })).body.items as unknown[];
    for (let n = book.length; n < 20; n++) expect((await api.post('/api/auth/addresses', { token, json: { ...ADDRESS, detail: `${n} 号` } })).status).toBe(201);
    expect((await api.post('/api/auth/addresses', { token, json: ADDRESS })).body.code).toBe('ADDRESS_BOOK_FULL');

    const coupon = {
      name: 'Edge',
      kind: 'percent',
      percentOff: 10,
      minSpendFen: 0,
      total: 1,
      perUserLimit: 1,
      startsAt: new Date(Date.now() - HOUR).toISOString(),
      endsAt: new Date(Date.now() + HOUR).toISOString(),
    };
    expect((await api.post('/api/orders/admin/coupons', { token: staff, json: { ...coupon, percentOff: 150 } })).status).toBe(400);
    expect((await api.post('/api/orders/admin/coupons', { token: staff, json: { ...coupon, kind: 'amount', percentOff: undefined } })).status).toBe(400);
    expect((await api.post('/api/orders/admin/coupons', { token: staff, json: { ...coupon, endsAt: coupon.startsAt, startsAt: coupon.endsAt } })).status).toBe(
      400,
    );
    const later = await api.post('/api/orders/admin/coupons', {
      token: staff,
      json: { ...coupon, startsAt: new Date(Date.now() + HOUR).toISOString(), endsAt: new Date(Date.now() + 2 * HOUR).toISOString() },
    });
    expect(later.status).toBe(201);
    expect((await api.post(`/api/coupons/${later.body.id}/claim`, { token })).body.code).toBe('COUPON_NOT_CLAIMABLE');
    const single = await api.post('/api/orders/admin/coupons', { token: staff, json: { ...coupon, total: 2 } });
    expect((await api.post(`/api/coupons/${single.body.id}/claim`, { token })).status).toBe(201);
    expect((await api.post(`/api/coupons/${single.body.id}/claim`, { token: alice })).status).toBe(201);
    expect((await api.patch(`/api/orders/admin/coupons/${single.body.id}`, { token: staff, json: { total: 1 } })).body.code).toBe('CONFLICT');
    expect((await api.post(`/api/coupons/${single.body.id}/claim`, { token: await login('test:carol') })).body.code).toBe('COUPON_EXHAUSTED');

    // An order with the coupon, cancelled: the coupon is unused again. After-sales on an unpaid order: 409 ORDER_STATE_CONFLICT.
    const mine = (await api.get('/api/coupons/mine?status=unused', { token })).body.items as { id: string }[];
    const items = [{ skuId: skus[1].id, quantity: 1 }];
    const both = await api.post('/api/orders', { token, json: { items, addressId: bobAddressId, contact: { name: 'Bob', phone: '13800138000' } } });
    expect(both.status).toBe(400);
    const order = await api.post('/api/orders', { token, json: { items, addressId: bobAddressId, userCouponId: mine[0].id } });
    expect(order.body.discountFen).toBe(359);
    const ask = { reason: 'x', refundFen: 100 };
    expect((await api.post(`/api/orders/${order.body.id}/after-sales`, { token, json: ask })).body.code).toBe('ORDER_STATE_CONFLICT');
    expect((await api.post(`/api/orders/${order.body.id}/cancel`, { token })).body.status).toBe('cancelled');
    expect((await api.get('/api/coupons/mine?status=unused', { token })).body.items.map((item: { id: string }) => item.id)).toContain(mine[0].id);

    // Lines the paid order does not hold, or more units than it holds.
    const own = (line: { skuId: string; quantity: number }) =>
      api.post(`/api/orders/${orderId}/after-sales`, { token: alice, json: { ...ask, items: [line] } });
    const notOrdered = await own({ skuId: skus[2].id, quantity: 1 });
    const tooMany = await own({ skuId: skus[0].id, quantity: 5 });
    const twice = await api.post(`/api/orders/${orderId}/after-sales`, {
      token: alice,
      json: {
        ...ask,
        items: [
          { skuId: skus[0].id, quantity: 1 },
          { skuId: skus[0].id, quantity: 1 },
        ],
      },
    });
    expect([notOrdered, tooMany, twice].map((reply) => `${reply.status} ${reply.body.code}`)).toEqual(Array(3).fill('400 VALIDATION_FAILED'));
  });

  it('every response conformed to the document, and every operation the flows called was validated', () => {
    const coveredOperations = validator.operations.filter((operation) => validator.validated.has(operation));
    console.log(
      [
        `API contract (commerce): ${coveredOperations.length}/${validator.operations.length} operations of docs/openapi.json covered, ` +
          `${validator.total} responses validated (${validator.validated.get(UNROUTED) ?? 0} to unknown routes), ${api.mismatches.length} mismatches, ${Math.round((Date.now() - started) / 1000)} s`,
        ...api.mismatches.map((mismatch) => `MISMATCH ${mismatch}`),
      ].join('\n'),
    );
    expect(api.mismatches).toEqual([]);
    // Every operation of the address book, the cart, coupons and after-sales was called here.
    const commerce = validator.operations.filter((operation) => /\/(addresses|cart|coupons|after-sales)\b/.test(operation));
    expect(commerce).toHaveLength(20);
    expect(commerce.filter((operation) => !validator.validated.has(operation))).toEqual([]);
    expect([...api.called].filter((operation) => !validator.validated.has(operation))).toEqual([]);
  });
});
