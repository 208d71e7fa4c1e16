import { requestJson } from '#libs/testing';
import { NotifyRelay } from '../../apps/orders/test/notify-relay';
import { LocalCluster } from '../../tools/stack/local-cluster';
import { createTestCluster, queryDatabase, signClusterToken } from './cluster-fixture';

const ORDER_TTL_SECONDS = 10;

const eventually = async (check: () => Promise<boolean>, timeoutMs = 20000) => {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
};

describe('orders: 2 orders + 2 catalog replicas as processes behind the real HAProxy, WeChat Pay sandbox', () => {
  let cluster: LocalCluster;
  const relay = new NotifyRelay();
  let staffToken: string;
  const api = (path: string) => `${cluster.publicUrl}${path}`;
  const signUser = async (subject: string) => {
    return signClusterToken(cluster, {
      subject,
      expiresAt: Math.floor(Date.now() / 1000) + 3600,
    });
  };
  const userId = (n: number) => `01CLUSTERUSER${String(n).padStart(13, '0')}`;
  const seedSku = async (stock: number, priceFen = 990): Promise<{ productId: string; skuId: string }> => {
    const category = await requestJson(api('/api/catalog/admin/categories'), { token: staffToken, body: { name: `Cluster ${Date.now()}` } });
    const product = await requestJson(api('/api/catalog/admin/products'), {
      token: staffToken,
      body: { categoryId: category.body.id, title: 'Cluster tea', images: ['https://img.example/t.jpg'], skus: [{ name: 'box', priceFen, stock }] },
    });
    expect(product.status).toBe(201);
    return { productId: product.body.id, skuId: product.body.skus[0].id };
  };
  const stockOf = async (skuId: string) =>
    Number((await queryDatabase<{ stock: number }>(cluster.databaseUrl('catalog'), 'SELECT stock FROM skus WHERE id = ?', [skuId]))[0].stock);
  const orders = <T = Record<string, unknown>>(sql: string, params: unknown[] = []) => queryDatabase<T>(cluster.databaseUrl('orders'), sql, params);
  const order = (token: string, skuId: string, quantity = 1, key?: string) =>
    requestJson(api('/api/orders'), {
      token,
      body: { items: [{ skuId, quantity }], contact: { name: 'Buyer', phone: '13800138000' } },
      headers: key ? { 'idempotency-key': key } : {},
    });

  beforeAll(async () => {
    await relay.start();
    relay.copies = 3;
    cluster = createTestCluster(
      { auth: 1, catalog: 2, orders: 2 },
      {
        ORDER_PAYMENT_TTL_SECONDS: String(ORDER_TTL_SECONDS),
        ORDER_SWEEP_INTERVAL_SECONDS: '2',
        WECHATPAY_NOTIFY_URL: `${relay.url}/api/orders/payments/wechat/notify`,
      },
    );
    await cluster.start();
    relay.target = cluster.publicUrl;
    staffToken = await signClusterToken(cluster, {
      subject: '01CLUSTERSTAFF000000000000',
      kind: 'staff',
      roles: ['admin'],
      expiresAt: Math.floor(Date.now() / 1000) + 3600,
    });
  }, 120000);
  afterAll(async () => {
    await cluster?.stop();
    await relay.stop();
  }, 60000);

  it('300 concurrent buyers for 50 units: exactly 50 orders, stock 0, never below', async () => {
    const { skuId } = await seedSku(50);
    const tokens = await Promise.all(Array.from({ length: 300 }, (_, i) => signUser(userId(i))));
    let lowest = 50;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        lowest = Math.min(lowest, await stockOf(skuId));
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();
    const replies = await Promise.all(tokens.map((token) => order(token, skuId)));
    sampling = false;
    await sampler;
    const created = replies.filter((reply) => reply.status === 201);
    process.stdout.write(
      `300 buyers / 50 units: ${created.length} orders, statuses ${JSON.stringify(Object.fromEntries([...new Set(replies.map((r) => r.status))].map((s) => [s, replies.filter((r) => r.status === s).length])))}\n`,
    );
    expect(created).toHaveLength(50);
    expect(new Set(replies.filter((reply) => reply.status !== 201).map((reply) => reply.body.code))).toEqual(new Set(['INSUFFICIENT_STOCK']));
    expect(await stockOf(skuId)).toBe(0);
    expect(lowest).toBeGreaterThanOrEqual(0);
    const [placed] = await orders<{ n: number; units: number }>(
      'SELECT COUNT(*) AS n, SUM(i.quantity) AS units FROM orders o JOIN order_items i ON i.order_id = o.id WHERE i.sku_id = ? AND o.placed_at IS NOT NULL',
      [skuId],
    );
    expect([Number(placed.n), Number(placed.units)]).toEqual([50, 50]);
    expect(new Set(created.map((reply) => reply.body.orderNo)).size).toBe(50);
  }, 60000);

  it('the same Idempotency-Key sent 20 times at once through the load balancer makes one order', async () => {
    const { skuId } = await seedSku(100);
    const token = await signUser(userId(1000));
    const replies = await Promise.all(Array.from({ length: 20 }, () => order(token, skuId, 2, 'cluster-double-tap')));
    expect(new Set(replies.map((reply) => reply.status))).toEqual(new Set([201]));
    expect(new Set(replies.map((reply) => JSON.stringify(reply.body))).size).toBe(1);
    const [count] = await orders<{ n: number }>('SELECT COUNT(*) AS n FROM orders WHERE user_id = ?', [userId(1000)]);
    expect(Number(count.n)).toBe(1);
    expect(await stockOf(skuId)).toBe(98);
  }, 30000);

  it('an unpaid order expires and its stock returns exactly once', async () => {
    const { skuId } = await seedSku(10);
    const token = await signUser(userId(2000));
    const placed = await order(token, skuId, 4);
    expect(placed.status).toBe(201);
    expect(await stockOf(skuId)).toBe(6);
    await eventually(
      async () => (await requestJson(api(`/api/orders/${placed.body.id}`), { token })).body.status === 'cancelled',
      (ORDER_TTL_SECONDS + 15) * 1000,
    );
    await eventually(async () => (await stockOf(skuId)) === 10);
    await new Promise((resolve) => setTimeout(resolve, 4000));
    expect(await stockOf(skuId)).toBe(10);
    const cancellations = await orders("SELECT actor_kind, reason FROM order_events WHERE order_id = ? AND to_status = 'cancelled'", [placed.body.id]);
    expect(cancellations).toEqual([{ actor_kind: 'system', reason: 'payment_timeout' }]);
  }, 60000);

  it('a sandbox payment marks the order paid once although the notification is delivered three times', async () => {
    const { skuId } = await seedSku(10, 1288);
    const login = await requestJson(api('/api/auth/wechat/login'), { body: { code: 'cluster:payer' } });
    expect(login.status).toBe(200);
    const token = login.body.accessToken as string;
    const placed = await order(token, skuId, 1);
    const params = await requestJson(api(`/api/orders/${placed.body.id}/pay`), { method: 'POST', token, headers: { 'idempotency-key': 'cluster-pay' } });
    expect(params.status).toBe(200);
    const paid = await fetch(`${cluster.sandboxUrl}/sandbox/pay/${params.body.package.replace('prepay_id=', '')}`, { method: 'POST' }).then(
      (r) => r.json() as Promise<{ notified: boolean }>,
    );
    expect(paid.notified).toBe(true);
    const delivery = relay.received.find((entry) => entry.statuses.length === 3);
    expect(delivery?.statuses).toEqual([204, 204, 204]);
    const view = await requestJson(api(`/api/orders/${placed.body.id}`), { token });
    expect(view.body).toMatchObject({ status: 'paid', totalFen: 1288 });
    const paidEvents = await orders("SELECT actor_kind FROM order_events WHERE order_id = ? AND to_status = 'paid'", [placed.body.id]);
    expect(paidEvents).toEqual([{ actor_kind: 'wechat' }]);
    const [log] = await orders<{ deliveries: number }>('SELECT deliveries FROM payment_notifications WHERE order_id = ?', [placed.body.id]);
    expect(Number(log.deliveries)).toBe(3);
    // Paid orders do not expire: well past the TTL it is still paid and its unit sold.
    await new Promise((resolve) => setTimeout(resolve, (ORDER_TTL_SECONDS + 3) * 1000));
    expect((await requestJson(api(`/api/orders/${placed.body.id}`), { token })).body.status).toBe('paid');
    expect(await stockOf(skuId)).toBe(9);
  }, 60000);

  it('a 10-place slot under 50 concurrent bookings takes exactly 10', async () => {
    const resource = await requestJson(api('/api/appointments/admin/resources'), { token: staffToken, body: { name: 'Dr. Cluster', kind: 'doctor' } });
    const start = new Date(Date.now() + 2 * 86400000);
    const slots = await requestJson(api('/api/appointments/admin/slots'), {
      token: staffToken,
      body: {
        resourceId: resource.body.id,
        slots: [{ startsAt: start.toISOString(), endsAt: new Date(start.getTime() + 1800000).toISOString(), capacity: 10 }],
      },
    });
    const slotId = slots.body.items[0].id;
    const tokens = await Promise.all(Array.from({ length: 50 }, (_, i) => signUser(userId(3000 + i))));
    const replies = await Promise.all(
      tokens.map((token) => requestJson(api('/api/appointments'), { token, body: { slotId, contact: { name: 'P', phone: '13800138000' } } })),
    );
    expect(replies.filter((reply) => reply.status === 201)).toHaveLength(10);
    expect(new Set(replies.filter((reply) => reply.status !== 201).map((reply) => reply.body.code))).toEqual(new Set(['SLOT_FULL']));
    const [slot] = await orders<{ booked: number }>('SELECT booked FROM appointment_slots WHERE id = ?', [slotId]);
    expect(Number(slot.booked)).toBe(10);
  }, 30000);
});
