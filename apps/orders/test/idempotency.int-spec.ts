import Redis from 'ioredis';
import { requestJson, TEST_REDIS_URL } from '#libs/testing';
import { orderBody, OrdersHarness, OrdersInstance, startOrdersHarness, TestUser } from './orders-test-harness';

describe('Idempotency-Key on create order, pay and book (two replicas, real Redis and MariaDB)', () => {
  let h: OrdersHarness;
  let second: OrdersInstance;
  let user: TestUser;
  let sku: string;
  const create = (url: string, key: string, body: unknown = orderBody([{ skuId: sku, quantity: 1 }]), who = user) =>
    requestJson(`${url}/api/orders`, { token: who.token, body, headers: { 'idempotency-key': key } });
  const ordersOf = async (who: TestUser) => Number((await h.query<{ n: number }>('SELECT COUNT(*) AS n FROM orders WHERE user_id = ?', [who.id]))[0].n);

  beforeAll(async () => {
    h = await startOrdersHarness();
    second = await h.startReplica();
    user = await h.login('double-tapper');
    [sku] = await h.seedSkus([{ priceFen: 700, stock: 500 }]);
  }, 60000);
  afterAll(() => h?.close());

  it('creates one order for the same key sent 20 times at once across two replicas; all get the same status and body', async () => {
    const stock = await h.stockOf(sku);
    const replies = await Promise.all(Array.from({ length: 20 }, (_, i) => create(i % 2 ? h.url : second.url, 'tap-tap-20')));
    expect(new Set(replies.map((reply) => reply.status))).toEqual(new Set([201]));
    expect(new Set(replies.map((reply) => JSON.stringify(reply.body))).size).toBe(1);
    expect(await ordersOf(user)).toBe(1);
    expect(await h.stockOf(sku)).toBe(stock - 1);
    expect(replies.filter((reply) => reply.headers.get('idempotent-replayed') === 'true')).toHaveLength(19);
  });

  it('keeps keys per user, refuses a key reused for another body (422), and creates a new order for a new key', async () => {
    const other = await h.login('other-tapper');
    const mine = await create(h.url, 'shared-key');
    const theirs = await create(h.url, 'shared-key', orderBody([{ skuId: sku, quantity: 1 }]), other);
    expect(theirs.body.id).not.toBe(mine.body.id);
    const reused = await create(second.url, 'shared-key', orderBody([{ skuId: sku, quantity: 2 }]));
    expect([reused.status, reused.body.code]).toEqual([422, 'IDEMPOTENCY_KEY_REUSED']);
    const fresh = await create(second.url, 'another-key');
    expect(fresh.body.id).not.toBe(mine.body.id);
  });

  it('repeats a refusal as it was (409 INSUFFICIENT_STOCK) without trying again', async () => {
    const [scarce] = await h.seedSkus([{ priceFen: 100, stock: 1 }]);
    const body = orderBody([{ skuId: scarce, quantity: 2 }]);
    const first = await create(h.url, 'too-many', body);
    expect(first.status).toBe(409);
    await requestJson(`${h.catalog.url}/api/catalog/admin/skus/${scarce}/stock-adjustments`, { token: h.catalog.staffToken, body: { delta: 5 } });
    const second_ = await create(second.url, 'too-many', body);
    expect([second_.status, second_.body.code]).toEqual([409, 'INSUFFICIENT_STOCK']);
    expect((await create(second.url, 'too-many-retry', body)).status).toBe(201);
  });

  it('still returns the first order if the Redis record is lost: the database keeps the key too', async () => {
    const first = await create(h.url, 'survives-redis');
    const redis = new Redis(TEST_REDIS_URL);
    try {
      const keys = await redis.keys(`${h.env.REDIS_KEY_PREFIX}idem:*`);
      expect(keys.length).toBeGreaterThan(0);
      await redis.del(...keys);
    } finally {
      redis.disconnect();
    }
    const again = await create(second.url, 'survives-redis');
    expect(again.status).toBe(201);
    expect(again.body.id).toBe(first.body.id);
  });

  it('books once for a key sent 10 times at once', async () => {
    const resource = await requestJson(`${h.url}/api/appointments/admin/resources`, { token: h.staffToken, body: { name: 'Spa', kind: 'service' } });
    const start = new Date(Date.now() + 86400000);
    const slots = await requestJson(`${h.url}/api/appointments/admin/slots`, {
      token: h.staffToken,
      body: {
        resourceId: resource.body.id,
        slots: [{ startsAt: start.toISOString(), endsAt: new Date(start.getTime() + 3600000).toISOString(), capacity: 5 }],
      },
    });
    const slotId = slots.body.items[0].id;
    const replies = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        requestJson(`${i % 2 ? h.url : second.url}/api/appointments`, {
          token: user.token,
          body: { slotId, contact: { name: 'A', phone: '13800138000' } },
          headers: { 'idempotency-key': 'book-once' },
        }),
      ),
    );
    expect(new Set(replies.map((reply) => reply.status))).toEqual(new Set([201]));
    expect(new Set(replies.map((reply) => reply.body.id)).size).toBe(1);
    const [row] = await h.query<{ booked: number }>('SELECT booked FROM appointment_slots WHERE id = ?', [slotId]);
    expect(row.booked).toBe(1);
  });
});
