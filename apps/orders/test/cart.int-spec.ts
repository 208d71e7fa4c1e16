import { connect } from '@nats-io/transport-node';
import Redis from 'ioredis';
import { createHash } from 'node:crypto';
import { CATALOG_MESSAGES } from '#libs/contracts';
import { requestJson, TEST_REDIS_URL } from '#libs/testing';
import { loginAs } from '../../auth/test/auth-test-harness';
import { orderBody, OrdersHarness, startOrdersHarness, TestUser } from './orders-test-harness';

const UNKNOWN_SKU = '01JD3Q8Y5M7T2K9X4C6V8B0N1P';

describe('orders: the cart (real orders, catalog, auth; MariaDB, Redis, NATS)', () => {
  let h: OrdersHarness;
  let alice: TestUser;
  let bob: TestUser;
  const cart = (user: TestUser, url = h.url) => requestJson(`${url}/api/cart`, { token: user.token });
  const put = (user: TestUser, skuId: string, body: unknown, url = h.url) =>
    requestJson(`${url}/api/cart/items/${skuId}`, { method: 'PUT', token: user.token, body });
  const remove = (user: TestUser, skuId: string) => requestJson(`${h.url}/api/cart/items/${skuId}`, { method: 'DELETE', token: user.token });
  const catalogAdmin = (method: string, path: string, body?: unknown) =>
    requestJson(`${h.catalog.url}/api/catalog/admin${path}`, { method, token: h.catalog.staffToken, body });
  const storedLines = async (user: TestUser) =>
    (await h.query<{ sku_id: string; quantity: number }>('SELECT sku_id, quantity FROM cart_items WHERE user_id = ? ORDER BY sku_id', [user.id])).map((row) => [
      row.sku_id,
      Number(row.quantity),
    ]);
  const skusOf = (reply: { body: { items: { skuId: string; quantity: number }[] } }) => reply.body.items.map((item) => [item.skuId, item.quantity]);

  beforeAll(async () => {
    h = await startOrdersHarness();
    [alice, bob] = await Promise.all([h.login('alice'), h.login('bob')]);
  }, 60000);
  afterAll(() => h?.close());

  it('starts empty, sets lines (newest first), changes a quantity in place, and removes a line by 0 or DELETE', async () => {
    const user = await h.login('carol');
    expect((await cart(user)).body).toEqual({ items: [], totalFen: 0 });
    const [small, large] = await h.seedSkus(
      [
        { name: '250g', priceFen: 8800, stock: 10 },
        { name: '500g', priceFen: 16800, stock: 5 },
      ],
      { title: '西湖龙井' },
    );
    expect((await put(user, small, { quantity: 2 })).status).toBe(200);
    const added = await put(user, large, { quantity: 1 });
    expect(added.status).toBe(200);
    expect(added.body).toEqual({
      items: [
        {
          skuId: large,
          productId: expect.any(String),
          title: '西湖龙井',
          skuName: '500g',
          imageUrl: 'https://img.example/p.jpg',
          priceFen: 16800,
          quantity: 1,
          stock: 5,
          available: true,
        },
        expect.objectContaining({ skuId: small, skuName: '250g', priceFen: 8800, quantity: 2, stock: 10, available: true }),
      ],
      totalFen: 2 * 8800 + 16800,
    });
    expect((await cart(user)).body).toEqual(added.body);

    const changed = await put(user, small, { quantity: 99 });
    expect(skusOf(changed)).toEqual([
      [large, 1],
      [small, 99],
    ]);
    expect(changed.body.totalFen).toBe(99 * 8800 + 16800);

    const zeroed = await put(user, small, { quantity: 0 });
    expect(zeroed.status).toBe(200);
    expect(skusOf(zeroed)).toEqual([[large, 1]]);
    const deleted = await remove(user, large);
    expect(deleted.status).toBe(204);
    expect((await remove(user, large)).status).toBe(204);
    expect((await cart(user)).body).toEqual({ items: [], totalFen: 0 });
    expect(await storedLines(user)).toEqual([]);
  });

  it('refuses an unknown SKU with 404 SKU_NOT_FOUND and stores nothing', async () => {
    const user = await h.login('dave');
    const reply = await put(user, UNKNOWN_SKU, { quantity: 1 });
    expect(reply.status).toBe(404);
    expect(reply.body.code).toBe('SKU_NOT_FOUND');
    expect(await storedLines(user)).toEqual([]);
    expect((await cart(user)).body).toEqual({ items: [], totalFen: 0 });
  });

  it('refuses bad input with 4xx and changes nothing', async () => {
    const user = await h.login('erin');
    const [sku, other] = await h.seedSkus([
      { priceFen: 100, stock: 10 },
      { priceFen: 200, stock: 10 },
    ]);
    await put(user, sku, { quantity: 3 });
    const before = (await cart(user)).body;
    for (const body of [{ quantity: 100 }, { quantity: -1 }, { quantity: 1.5 }, { quantity: '2' }, { quantity: null }, {}, { quantity: 1, price: 1 }, [1]]) {
      for (const target of [sku, other]) {
        const reply = await put(user, target, body);
        expect([reply.status, reply.body.code, JSON.stringify(body)]).toEqual([400, 'VALIDATION_FAILED', JSON.stringify(body)]);
      }
    }
    for (const badId of ['not-an-id', `${sku}x`, sku.toLowerCase()]) {
      expect((await put(user, badId, { quantity: 1 })).status).toBe(400);
      expect((await remove(user, badId)).status).toBe(400);
    }
    const rawBody = await requestJson(`${h.url}/api/cart/items/${other}`, {
      method: 'PUT',
      token: user.token,
      rawBody: '{"quantity":',
      headers: { 'content-type': 'application/json' },
    });
    expect(rawBody.status).toBe(400);
    expect((await requestJson(`${h.url}/api/cart/items/${other}`, { method: 'PUT', body: { quantity: 1 } })).status).toBe(401);
    expect((await requestJson(`${h.url}/api/cart`, {})).status).toBe(401);
    const staff = await requestJson(`${h.url}/api/cart/items/${other}`, { method: 'PUT', token: h.staffToken, body: { quantity: 1 } });
    expect([staff.status, staff.body.code]).toEqual([403, 'FORBIDDEN']);
    expect((await cart(user)).body).toEqual(before);
    expect(await storedLines(user)).toEqual([[sku, 3]]);
  });

  it('shows a SKU put off sale or deleted as available: false, outside the total', async () => {
    const user = await h.login('frank');
    const [offSale] = await h.seedSkus([{ name: 'tin', priceFen: 500, stock: 3 }], { title: 'Retired tea' });
    const [kept, gone] = await h.seedSkus(
      [
        { name: 'a kept', priceFen: 700, stock: 4 },
        { name: 'b gone', priceFen: 900, stock: 2 },
      ],
      { title: 'Oolong' },
    );
    await put(user, gone, { quantity: 1 });
    await put(user, kept, { quantity: 2 });
    const placed = await put(user, offSale, { quantity: 1 });
    expect(placed.body.totalFen).toBe(500 + 2 * 700 + 900);
    const productId = placed.body.items[0].productId as string;

    expect((await catalogAdmin('PATCH', `/products/${productId}`, { onSale: false })).status).toBe(200);
    expect((await catalogAdmin('DELETE', `/skus/${gone}`)).status).toBe(204);
    const reply = await cart(user);
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({
      items: [
        expect.objectContaining({ skuId: offSale, title: 'Retired tea', priceFen: 500, stock: 3, available: false }),
        expect.objectContaining({ skuId: kept, priceFen: 700, quantity: 2, available: true }),
        {
          skuId: gone,
          productId: expect.any(String),
          title: 'Oolong',
          skuName: 'b gone',
          imageUrl: 'https://img.example/p.jpg',
          priceFen: 900,
          quantity: 1,
          stock: 0,
          available: false,
        },
      ],
      totalFen: 2 * 700,
    });
    // Back on sale, the line counts again.
    expect((await catalogAdmin('PATCH', `/products/${productId}`, { onSale: true })).status).toBe(200);
    expect((await cart(user)).body.totalFen).toBe(500 + 2 * 700);
  });

  it("shows today's prices and stock after staff change them", async () => {
    const user = await h.login('grace');
    const [sku] = await h.seedSkus([{ priceFen: 1000, stock: 8 }]);
    await put(user, sku, { quantity: 3 });
    expect((await catalogAdmin('PATCH', `/skus/${sku}`, { priceFen: 1250 })).status).toBe(200);
    expect((await catalogAdmin('POST', `/skus/${sku}/stock-adjustments`, { delta: -5 })).status).toBe(200);
    const reply = await cart(user);
    expect(reply.body.items).toEqual([expect.objectContaining({ skuId: sku, priceFen: 1250, stock: 3, quantity: 3, available: true })]);
    expect(reply.body.totalFen).toBe(3 * 1250);
  });

  it("reads all the lines' SKUs from the catalog in one bus request", async () => {
    const user = await h.login('kate');
    const skus = await h.seedSkus(Array.from({ length: 6 }, (_, i) => ({ name: `k${i}`, priceFen: 100 + i, stock: 5 })));
    for (const sku of skus) await put(user, sku, { quantity: 1 });
    const nats = await connect({ servers: h.catalog.natsUrl });
    try {
      const seen: string[][] = [];
      const subscription = nats.subscribe(CATALOG_MESSAGES.getSkus, {
        callback: (_error, message) => {
          seen.push((message.json<{ data: { skuIds: string[] } }>().data.skuIds ?? []).sort());
        },
      });
      await nats.flush();
      const reply = await cart(user);
      await nats.flush();
      subscription.unsubscribe();
      expect(reply.body.items).toHaveLength(6);
      expect(seen).toEqual([[...skus].sort()]);
    } finally {
      await nats.close();
    }
  });

  it("keeps each user's cart apart: another user can neither see nor change it", async () => {
    const [sku] = await h.seedSkus([{ priceFen: 300, stock: 10 }]);
    await put(alice, sku, { quantity: 4 });
    expect((await cart(bob)).body).toEqual({ items: [], totalFen: 0 });
    expect((await remove(bob, sku)).status).toBe(204);
    expect(skusOf(await put(bob, sku, { quantity: 1 }))).toEqual([[sku, 1]]);
    expect(skusOf(await cart(alice))).toEqual([[sku, 4]]);
    expect(await storedLines(alice)).toEqual([[sku, 4]]);
    expect(await storedLines(bob)).toEqual([[sku, 1]]);
  });

  it('is the same on a new app instance and survives logout', async () => {
    const name = `keeper${Date.now()}`;
    const first = await loginAs(h.auth.url, `1:${name}`);
    const user = { id: first.user.id, token: first.accessToken };
    const [sku] = await h.seedSkus([{ priceFen: 450, stock: 10 }]);
    await put(user, sku, { quantity: 2 });
    const replica = await h.startReplica();
    expect(skusOf(await cart(user, replica.url))).toEqual([[sku, 2]]);
    expect((await requestJson(`${h.auth.url}/api/auth/logout`, { method: 'POST', token: user.token })).status).toBe(204);
    const again = await loginAs(h.auth.url, `2:${name}`);
    expect(again.user.id).toBe(user.id);
    expect(skusOf(await cart({ id: user.id, token: again.accessToken }, replica.url))).toEqual([[sku, 2]]);
  });

  it('holds at most 50 lines, also when PUTs of new SKUs race on two replicas at 49 lines', async () => {
    const user = await h.login('henry');
    const skus = [
      ...(await h.seedSkus(Array.from({ length: 30 }, (_, i) => ({ name: `a${String(i).padStart(2, '0')}`, priceFen: 10, stock: 100 })))),
      ...(await h.seedSkus(Array.from({ length: 30 }, (_, i) => ({ name: `b${String(i).padStart(2, '0')}`, priceFen: 10, stock: 100 })))),
    ];
    for (let i = 0; i < 49; i += 7) await Promise.all(skus.slice(i, Math.min(i + 7, 49)).map((sku) => put(user, sku, { quantity: 1 })));
    expect(await storedLines(user)).toHaveLength(49);
    const replica = await h.startReplica();
    const racers = skus.slice(49, 59);
    const replies = await Promise.all(racers.map((sku, i) => put(user, sku, { quantity: 1 }, i % 2 ? replica.url : h.url)));
    const statuses = replies.map((reply) => reply.status).sort();
    expect(statuses).toEqual([200, ...Array(9).fill(409)]);
    expect(new Set(replies.filter((reply) => reply.status === 409).map((reply) => reply.body.code))).toEqual(new Set(['CART_FULL']));
    expect(await storedLines(user)).toHaveLength(50);

    // Full: a line already there still changes; a new one waits for a free place.
    const winner = racers[replies.findIndex((reply) => reply.status === 200)];
    const loser = racers.find((sku) => sku !== winner)!;
    expect((await put(user, skus[0], { quantity: 5 })).status).toBe(200);
    const full = await put(user, loser, { quantity: 1 });
    expect([full.status, full.body.code]).toEqual([409, 'CART_FULL']);
    expect((await put(user, skus[1], { quantity: 0 })).status).toBe(200);
    const view = await put(user, loser, { quantity: 1 });
    expect(view.status).toBe(200);
    expect(view.body.items).toHaveLength(50);
    expect(view.body.totalFen).toBe((49 + 5) * 10);
  }, 60000);

  it('removes the lines an order placed, only those; a failed order or a replayed key removes nothing', async () => {
    const user = await h.login('ivy');
    const [a, b, c, d] = await h.seedSkus([
      { name: 'a', priceFen: 100, stock: 10 },
      { name: 'b', priceFen: 200, stock: 10 },
      { name: 'c', priceFen: 300, stock: 1 },
      { name: 'd', priceFen: 400, stock: 10 },
    ]);
    for (const sku of [a, b, c, d]) await put(user, sku, { quantity: 1 });
    const order = (items: { skuId: string; quantity: number }[], key?: string) =>
      requestJson(`${h.url}/api/orders`, { token: user.token, body: orderBody(items), headers: key ? { 'idempotency-key': key } : {} });

    const placed = await order([
      { skuId: a, quantity: 2 },
      { skuId: b, quantity: 1 },
    ]);
    expect(placed.status).toBe(201);
    expect(skusOf(await cart(user))).toEqual([
      [d, 1],
      [c, 1],
    ]);

    const refused = await order([
      { skuId: c, quantity: 5 },
      { skuId: d, quantity: 1 },
    ]);
    expect([refused.status, refused.body.code]).toEqual([409, 'INSUFFICIENT_STOCK']);
    expect(await storedLines(user)).toEqual(
      [
        [c, 1],
        [d, 1],
      ].sort(),
    );

    const keyed = await order([{ skuId: d, quantity: 1 }], 'cart-replay');
    expect(keyed.status).toBe(201);
    expect(await storedLines(user)).toEqual([[c, 1]]);
    await put(user, d, { quantity: 3 });
    const replay = await order([{ skuId: d, quantity: 1 }], 'cart-replay');
    expect(replay.status).toBe(201);
    expect(replay.body.id).toBe(keyed.body.id);
    expect(skusOf(await cart(user))).toEqual([
      [d, 3],
      [c, 1],
    ]);
    // An order of SKUs that are not in the cart leaves the cart alone.
    const [elsewhere] = await h.seedSkus([{ priceFen: 50, stock: 5 }]);
    expect((await order([{ skuId: elsewhere, quantity: 1 }])).status).toBe(201);
    expect(await storedLines(user)).toHaveLength(2);
  });

  it('a repeat of a key whose stored result has expired finds the order and leaves lines added since', async () => {
    const user = await h.login('liam');
    const [sku, other] = await h.seedSkus([
      { name: 'x', priceFen: 100, stock: 10 },
      { name: 'y', priceFen: 200, stock: 10 },
    ]);
    await put(user, sku, { quantity: 1 });
    await put(user, other, { quantity: 1 });
    const order = () =>
      requestJson(`${h.url}/api/orders`, {
        token: user.token,
        body: orderBody([{ skuId: sku, quantity: 1 }]),
        headers: { 'idempotency-key': 'cart-expired-key' },
      });
    const first = await order();
    expect(first.status).toBe(201);
    expect(await storedLines(user)).toEqual([[other, 1]]);
    // The interceptor's record of the key is gone (its TTL): the repeat reaches the placement, which finds the order.
    const redis = new Redis(TEST_REDIS_URL);
    try {
      const key = `${h.env.REDIS_KEY_PREFIX}idem:user:${user.id}:${createHash('sha256').update('cart-expired-key').digest('base64url')}`;
      expect(await redis.del(key)).toBe(1);
    } finally {
      redis.disconnect();
    }
    await put(user, sku, { quantity: 2 });
    const repeat = await order();
    expect([repeat.status, repeat.body.id, repeat.headers.get('idempotent-replayed')]).toEqual([201, first.body.id, null]);
    expect(await storedLines(user)).toEqual(
      [
        [sku, 2],
        [other, 1],
      ].sort(),
    );
  });

  it('places the order even when its lines cannot be removed from the cart', async () => {
    const user = await h.login('mia');
    const [sku] = await h.seedSkus([{ priceFen: 100, stock: 10 }]);
    await put(user, sku, { quantity: 1 });
    await h.query('RENAME TABLE cart_items TO cart_items_away');
    const placed = await requestJson(`${h.url}/api/orders`, { token: user.token, body: orderBody([{ skuId: sku, quantity: 1 }]) }).finally(() =>
      h.query('RENAME TABLE cart_items_away TO cart_items'),
    );
    expect([placed.status, placed.body.status]).toEqual([201, 'pending_payment']);
    expect(await h.stockOf(sku)).toBe(9);
    expect(await storedLines(user)).toEqual([[sku, 1]]);
  });
});
