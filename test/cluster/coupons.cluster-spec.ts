import { requestJson } from '#libs/testing';
import { LocalCluster } from '../../tools/stack/local-cluster';
import { createTestCluster, queryDatabase, signClusterToken } from './cluster-fixture';

const ORDER_TTL_SECONDS = 3;
const HOUR = 3600_000;

const eventually = async (check: () => Promise<boolean>, timeoutMs = 20000) => {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
};

const tally = (replies: { status: number; body: { code?: string } }[]) =>
  JSON.stringify(
    Object.fromEntries(
      [...new Set(replies.map((r) => `${r.status} ${r.body.code ?? ''}`.trim()))].map((s) => [
        s,
        replies.filter((r) => `${r.status} ${r.body.code ?? ''}`.trim() === s).length,
      ]),
    ),
  );

describe('coupons: 3 orders replicas as processes behind the real HAProxy', () => {
  let cluster: LocalCluster;
  let staffToken: string;
  let keyCounter = 0;
  const api = (path: string) => `${cluster.publicUrl}${path}`;
  const signUser = (n: number) =>
    signClusterToken(cluster, {
      subject: `01COUPONUSER${String(n).padStart(14, '0')}`,
      expiresAt: Math.floor(Date.now() / 1000) + 3600,
    });
  const orders = <T = Record<string, unknown>>(sql: string, params: unknown[] = []) => queryDatabase<T>(cluster.databaseUrl('orders'), sql, params);
  const issue = async (overrides: Record<string, unknown>) => {
    const reply = await requestJson(api('/api/orders/admin/coupons'), {
      token: staffToken,
      body: {
        name: 'Cluster coupon',
        kind: 'amount',
        amountFen: 100,
        minSpendFen: 0,
        total: 1000,
        perUserLimit: 1,
        startsAt: new Date(Date.now() - HOUR).toISOString(),
        endsAt: new Date(Date.now() + HOUR).toISOString(),
        ...overrides,
      },
    });
    expect(reply.status).toBe(201);
    return reply.body.id as string;
  };
  const claim = (token: string, couponId: string) =>
    requestJson(api(`/api/coupons/${couponId}/claim`), { method: 'POST', token, headers: { 'idempotency-key': `cluster-claim-${++keyCounter}` } });
  const seedSku = async (stock: number, priceFen = 990) => {
    const category = await requestJson(api('/api/catalog/admin/categories'), { token: staffToken, body: { name: `Coupons ${Date.now()}` } });
    const product = await requestJson(api('/api/catalog/admin/products'), {
      token: staffToken,
      body: { categoryId: category.body.id, title: 'Coupon tea', images: ['https://img.example/t.jpg'], skus: [{ name: 'box', priceFen, stock }] },
    });
    expect(product.status).toBe(201);
    return product.body.skus[0].id as string;
  };
  const order = (token: string, skuId: string, userCouponId: string) =>
    requestJson(api('/api/orders'), {
      token,
      body: { items: [{ skuId, quantity: 1 }], contact: { name: 'Buyer', phone: '13800138000' }, userCouponId },
      headers: { 'idempotency-key': `cluster-order-${++keyCounter}` },
    });
  const userCoupon = async (id: string) =>
    (await orders<{ status: string; order_id: string | null }>('SELECT status, order_id FROM user_coupons WHERE id = ?', [id]))[0];

  beforeAll(async () => {
    cluster = createTestCluster(
      { auth: 1, catalog: 1, orders: 3 },
      { ORDER_PAYMENT_TTL_SECONDS: String(ORDER_TTL_SECONDS), ORDER_SWEEP_INTERVAL_SECONDS: '2', THROTTLE_LIMIT: '1000000' },
    );
    await cluster.start();
    staffToken = await signClusterToken(cluster, {
      subject: '01COUPONSTAFF0000000000000',
      kind: 'staff',
      roles: ['admin'],
      expiresAt: Math.floor(Date.now() / 1000) + 3600,
    });
  }, 120000);
  afterAll(async () => {
    await cluster?.stop();
  }, 60000);

  it('200 users claim a coupon of 50 at once: exactly 50 claimed, the rest COUPON_EXHAUSTED', async () => {
    const couponId = await issue({ total: 50 });
    const tokens = await Promise.all(Array.from({ length: 200 }, (_, n) => signUser(n)));
    const replies = await Promise.all(tokens.map((token) => claim(token, couponId)));
    process.stdout.write(`200 users / 50 coupons: ${tally(replies)}\n`);
    expect(replies.filter((reply) => reply.status === 201)).toHaveLength(50);
    expect(new Set(replies.filter((reply) => reply.status !== 201).map((reply) => reply.body.code))).toEqual(new Set(['COUPON_EXHAUSTED']));
    const [row] = await orders<{ claimed: number; copies: number }>(
      'SELECT claimed, (SELECT COUNT(*) FROM user_coupons WHERE coupon_id = c.id) AS copies FROM coupons c WHERE id = ?',
      [couponId],
    );
    expect([Number(row.claimed), Number(row.copies)]).toEqual([50, 50]);
    const listed = await requestJson(api('/api/coupons?limit=100'));
    expect((listed.body.items as { id: string }[]).map((item) => item.id)).not.toContain(couponId);
  }, 60000);

  it('one user claims 10 times at once with perUserLimit 2: 2 claimed, the rest COUPON_LIMIT_REACHED', async () => {
    const couponId = await issue({ total: 100, perUserLimit: 2 });
    const token = await signUser(1000);
    const replies = await Promise.all(Array.from({ length: 10 }, () => claim(token, couponId)));
    process.stdout.write(`one user x10 / limit 2: ${tally(replies)}\n`);
    expect(replies.filter((reply) => reply.status === 201)).toHaveLength(2);
    expect(new Set(replies.filter((reply) => reply.status !== 201).map((reply) => reply.body.code))).toEqual(new Set(['COUPON_LIMIT_REACHED']));
    const mine = await requestJson(api('/api/coupons/mine?status=unused'), { token });
    expect(mine.body.items).toHaveLength(2);
    expect(Number((await orders<{ claimed: number }>('SELECT claimed FROM coupons WHERE id = ?', [couponId]))[0].claimed)).toBe(2);
  }, 60000);

  it('two orders race for one coupon: one is placed, the other gets 409 COUPON_ALREADY_USED and reserves nothing', async () => {
    const couponId = await issue({ amountFen: 200 });
    const token = await signUser(2000);
    const userCouponId = (await claim(token, couponId)).body.id as string;
    const skuId = await seedSku(10);
    const replies = await Promise.all([order(token, skuId, userCouponId), order(token, skuId, userCouponId)]);
    process.stdout.write(`two orders, one coupon: ${tally(replies)}\n`);
    const placed = replies.filter((reply) => reply.status === 201);
    expect(placed).toHaveLength(1);
    expect(placed[0].body).toMatchObject({ totalFen: 790, discountFen: 200 });
    expect(replies.find((reply) => reply.status !== 201)!.body).toMatchObject({ statusCode: 409, code: 'COUPON_ALREADY_USED' });
    expect(Number((await queryDatabase<{ stock: number }>(cluster.databaseUrl('catalog'), 'SELECT stock FROM skus WHERE id = ?', [skuId]))[0].stock)).toBe(9);
    expect(await userCoupon(userCouponId)).toEqual({ status: 'used', order_id: placed[0].body.id });
  }, 60000);

  it('an order with a coupon expires: the coupon is unused again, once, and the next order can use it', async () => {
    const couponId = await issue({ amountFen: 300 });
    const token = await signUser(3000);
    const userCouponId = (await claim(token, couponId)).body.id as string;
    const skuId = await seedSku(10);
    const first = await order(token, skuId, userCouponId);
    expect(first.status).toBe(201);
    await eventually(async () => (await orders<{ status: string }>('SELECT status FROM orders WHERE id = ?', [first.body.id]))[0].status === 'cancelled');
    await eventually(async () => (await userCoupon(userCouponId)).status === 'unused');
    const cancellations = await orders("SELECT reason FROM order_events WHERE order_id = ? AND to_status = 'cancelled'", [first.body.id]);
    expect(cancellations).toEqual([{ reason: 'payment_timeout' }]);
    const again = await order(token, skuId, userCouponId);
    expect(again.body).toMatchObject({ discountFen: 300 });
    // Sweeps on every replica pass meanwhile; the expired order's coupon is not handed back a second time.
    await new Promise((resolve) => setTimeout(resolve, 2500));
    expect(await userCoupon(userCouponId)).toEqual({ status: 'used', order_id: again.body.id });
    const mine = await requestJson(api('/api/coupons/mine?status=used'), { token });
    expect(mine.body.items).toEqual([expect.objectContaining({ id: userCouponId, status: 'used', orderId: again.body.id })]);
  }, 60000);
});
