import { requestJson } from '#libs/testing';
import { OrderLifecycleService } from '../src/services/order-lifecycle.service';
import { OrderSweeperService } from '../src/services/order-sweeper.service';
import { orderBody, OrdersHarness, OrdersInstance, startOrdersHarness, TestUser } from './orders-test-harness';

const HOUR = 3600_000;
const at = (offsetMs: number) => new Date(Date.now() + offsetMs).toISOString();

describe('coupons: staff issue them, users claim them, orders use one and give it back (real orders, catalog, auth; MariaDB)', () => {
  let h: OrdersHarness;
  let replica: OrdersInstance;
  let alice: TestUser;
  let bob: TestUser;
  let keyCounter = 0;

  const staff = (path: string, body?: unknown, method?: string) =>
    requestJson(`${h.url}/api/orders/admin/coupons${path}`, { method: method ?? (body === undefined ? 'GET' : 'POST'), token: h.staffToken, body });
  const couponBody = (overrides: Record<string, unknown> = {}) => ({
    name: '立减 10 元',
    kind: 'amount',
    amountFen: 1000,
    minSpendFen: 0,
    total: 100,
    perUserLimit: 1,
    startsAt: at(-HOUR),
    endsAt: at(24 * HOUR),
    ...overrides,
  });
  const issue = async (overrides: Record<string, unknown> = {}) => {
    const reply = await staff('', couponBody(overrides));
    expect(reply.status).toBe(201);
    return reply.body as { id: string; remaining: number; claimed: number };
  };
  const claim = (user: TestUser, couponId: string, url = h.url, key = `claim-${++keyCounter}`) =>
    requestJson(`${url}/api/coupons/${couponId}/claim`, { method: 'POST', token: user.token, headers: { 'idempotency-key': key } });
  const claimed = async (user: TestUser, couponId: string) => {
    const reply = await claim(user, couponId);
    expect(reply.status).toBe(201);
    return reply.body.id as string;
  };
  const order = (user: TestUser, items: { skuId: string; quantity: number }[], userCouponId?: string, url = h.url) =>
    requestJson(`${url}/api/orders`, { token: user.token, body: orderBody(items, userCouponId ? { userCouponId } : {}) });
  const userCoupon = async (id: string) =>
    (await h.query<{ status: string; order_id: string | null }>('SELECT status, order_id FROM user_coupons WHERE id = ?', [id]))[0];
  const claimedOf = async (couponId: string) => Number((await h.query<{ claimed: number }>('SELECT claimed FROM coupons WHERE id = ?', [couponId]))[0].claimed);
  const ordersOf = async (user: TestUser) => Number((await h.query<{ n: number }>('SELECT COUNT(*) AS n FROM orders WHERE user_id = ?', [user.id]))[0].n);
  /** A product in a category of its own, with one SKU per price; its ids. */
  const seedProduct = async (prices: number[], stock = 100) => {
    const category = await requestJson(`${h.catalog.url}/api/catalog/admin/categories`, {
      token: h.catalog.staffToken,
      body: { name: `Coupons ${++keyCounter}` },
    });
    const product = await requestJson(`${h.catalog.url}/api/catalog/admin/products`, {
      token: h.catalog.staffToken,
      body: {
        categoryId: category.body.id,
        title: `Tea ${keyCounter}`,
        images: ['https://img.example/p.jpg'],
        skus: prices.map((priceFen, index) => ({ name: `SKU ${index + 1}`, priceFen, stock })),
      },
    });
    expect(product.status).toBe(201);
    const skus = (product.body.skus as { id: string; name: string }[]).sort((a, b) => a.name.localeCompare(b.name)).map((sku) => sku.id);
    return { categoryId: category.body.id as string, productId: product.body.id as string, skus };
  };

  beforeAll(async () => {
    h = await startOrdersHarness();
    replica = await h.startReplica();
    [alice, bob] = await Promise.all([h.login('coupon-alice'), h.login('coupon-bob')]);
  }, 60000);
  afterAll(() => h?.close());

  describe('staff', () => {
    it('issue, read, change and list coupons with filters and pages', async () => {
      const created = await staff('', couponBody({ kind: 'percent', amountFen: undefined, percentOff: 15, total: 3, perUserLimit: 2 }));
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({
        kind: 'percent',
        percentOff: 15,
        amountFen: null,
        total: 3,
        claimed: 0,
        remaining: 3,
        productIds: [],
        categoryIds: [],
      });
      expect((await staff(`/${created.body.id}`)).body).toEqual(created.body);

      const patched = await staff(`/${created.body.id}`, { name: '八五折', total: 5 }, 'PATCH');
      expect(patched.status).toBe(200);
      expect(patched.body).toMatchObject({ name: '八五折', total: 5, remaining: 5, percentOff: 15 });
      const toAmount = await staff(`/${created.body.id}`, { kind: 'amount', amountFen: 300 }, 'PATCH');
      expect(toAmount.body).toMatchObject({ kind: 'amount', amountFen: 300, percentOff: null });

      const scheduled = await issue({ startsAt: at(HOUR), endsAt: at(2 * HOUR) });
      const ended = await issue({ startsAt: at(-2 * HOUR), endsAt: at(-HOUR) });
      const ids = async (query: string) => ((await staff(query)).body.items as { id: string }[]).map((item) => item.id);
      expect(await ids('?phase=scheduled')).toContain(scheduled.id);
      expect(await ids('?phase=scheduled')).not.toContain(ended.id);
      expect(await ids('?phase=ended')).toEqual(expect.arrayContaining([ended.id]));
      expect(await ids('?phase=active&kind=amount')).toContain(created.body.id);
      const first = await staff('?limit=2');
      expect(first.body.items).toHaveLength(2);
      const second = await staff(`?limit=2&cursor=${first.body.nextCursor}`);
      expect(second.body.items[0].id < first.body.items[1].id).toBe(true);
    });

    it('refuse inconsistent coupons and unknown fields, change nothing, and keep users out', async () => {
      const refused = [
        couponBody({ amountFen: undefined }),
        couponBody({ percentOff: 10 }),
        couponBody({ kind: 'percent', amountFen: undefined, percentOff: 100 }),
        couponBody({ endsAt: at(-2 * HOUR) }),
        couponBody({ total: 0 }),
        couponBody({ productIds: ['not-an-id'] }),
        couponBody({ surprise: true }),
        couponBody({ minSpendFen: undefined }),
      ];
      const before = Number((await h.query<{ n: number }>('SELECT COUNT(*) AS n FROM coupons'))[0].n);
      for (const body of refused) expect([body, (await staff('', body)).body.code]).toEqual([body, 'VALIDATION_FAILED']);
      expect(Number((await h.query<{ n: number }>('SELECT COUNT(*) AS n FROM coupons'))[0].n)).toBe(before);
      const asUser = await requestJson(`${h.url}/api/orders/admin/coupons`, { token: alice.token, body: couponBody() });
      expect(asUser.status).toBe(403);
      expect((await staff('/01JD3Q8Y5M7T2K9X4C6V8B0N1P')).body.code).toBe('COUPON_NOT_FOUND');

      const coupon = await issue({ total: 2, perUserLimit: 2 });
      await claimed(alice, coupon.id);
      await claimed(alice, coupon.id);
      const below = await staff(`/${coupon.id}`, { total: 1 }, 'PATCH');
      expect([below.status, below.body.code]).toEqual([409, 'CONFLICT']);
      expect((await staff(`/${coupon.id}`, { kind: 'percent' }, 'PATCH')).body.code).toBe('VALIDATION_FAILED');
      expect((await staff(`/${coupon.id}`)).body).toMatchObject({ total: 2, claimed: 2, kind: 'amount' });
    });
  });

  describe('claiming', () => {
    it('lists to anyone the coupons claimable now with the copies left, and claims answer the user coupon', async () => {
      const coupon = await issue({ total: 2, perUserLimit: 1 });
      const scheduled = await issue({ startsAt: at(HOUR) });
      const listed = await requestJson(`${h.url}/api/coupons?limit=100`);
      expect(listed.status).toBe(200);
      const ids = (listed.body.items as { id: string }[]).map((item) => item.id);
      expect(ids).toContain(coupon.id);
      expect(ids).not.toContain(scheduled.id);

      const reply = await claim(alice, coupon.id);
      expect(reply.status).toBe(201);
      expect(reply.body).toMatchObject({ status: 'unused', coupon: { id: coupon.id, remaining: 1 }, orderId: null });
      expect(reply.body.expiresAt).toBe((await staff(`/${coupon.id}`)).body.endsAt);
      await claimed(bob, coupon.id);
      const none = await requestJson(`${h.url}/api/coupons?limit=100`);
      expect((none.body.items as { id: string }[]).map((item) => item.id)).not.toContain(coupon.id);
      expect((await claim(alice, scheduled.id)).body.code).toBe('COUPON_NOT_CLAIMABLE');
      expect((await claim(alice, '01JD3Q8Y5M7T2K9X4C6V8B0N1P')).status).toBe(404);
    });

    it('repeats the first answer for the same Idempotency-Key and claims once', async () => {
      const coupon = await issue({ perUserLimit: 5 });
      const first = await claim(alice, coupon.id, h.url, 'same-claim-key');
      const again = await claim(alice, coupon.id, replica.url, 'same-claim-key');
      expect(again.status).toBe(201);
      expect(again.body).toEqual(first.body);
      expect(await claimedOf(coupon.id)).toBe(1);
    });

    it('never claims more than the total, with many users at once on two replicas (COUPON_EXHAUSTED)', async () => {
      const coupon = await issue({ total: 7 });
      const users = await Promise.all(Array.from({ length: 20 }, (_, n) => h.login(`claimer-${n}`)));
      const replies = await Promise.all(users.map((user, n) => claim(user, coupon.id, n % 2 ? replica.url : h.url)));
      expect(replies.filter((reply) => reply.status === 201)).toHaveLength(7);
      expect(replies.filter((reply) => reply.status !== 201).map((reply) => reply.body.code)).toEqual(Array(13).fill('COUPON_EXHAUSTED'));
      expect(await claimedOf(coupon.id)).toBe(7);
      expect(Number((await h.query<{ n: number }>('SELECT COUNT(*) AS n FROM user_coupons WHERE coupon_id = ?', [coupon.id]))[0].n)).toBe(7);
    });

    it('never gives one user more than perUserLimit, even claiming concurrently (COUPON_LIMIT_REACHED), and counts only the copies given', async () => {
      const coupon = await issue({ total: 50, perUserLimit: 2 });
      const replies = await Promise.all(Array.from({ length: 10 }, (_, n) => claim(bob, coupon.id, n % 2 ? replica.url : h.url)));
      expect(replies.filter((reply) => reply.status === 201)).toHaveLength(2);
      expect(replies.filter((reply) => reply.status !== 201).map((reply) => [reply.status, reply.body.code])).toEqual(
        Array(8).fill([409, 'COUPON_LIMIT_REACHED']),
      );
      expect(await claimedOf(coupon.id)).toBe(2);
    });

    it("lists the user's own coupons by status: unused, used, and expired once the coupon ends", async () => {
      const carol = await h.login('coupon-carol');
      const { skus } = await seedProduct([5000]);
      const [usable, toUse, toExpire] = await Promise.all([issue(), issue(), issue()]);
      const usableId = await claimed(carol, usable.id);
      const usedId = await claimed(carol, toUse.id);
      const expiredId = await claimed(carol, toExpire.id);
      expect((await order(carol, [{ skuId: skus[0], quantity: 1 }], usedId)).status).toBe(201);
      await h.query('UPDATE coupons SET starts_at = NOW(3) - INTERVAL 2 HOUR, ends_at = NOW(3) - INTERVAL 1 SECOND WHERE id = ?', [toExpire.id]);
      const mine = async (query = '') =>
        ((await requestJson(`${h.url}/api/coupons/mine${query}`, { token: carol.token })).body.items as { id: string; status: string }[]).map((item) => [
          item.id,
          item.status,
        ]);
      expect(await mine()).toEqual([
        [expiredId, 'expired'],
        [usedId, 'used'],
        [usableId, 'unused'],
      ]);
      expect(await mine('?status=unused')).toEqual([[usableId, 'unused']]);
      expect(await mine('?status=used')).toEqual([[usedId, 'used']]);
      expect(await mine('?status=expired')).toEqual([[expiredId, 'expired']]);
      expect(await mine('?limit=1')).toHaveLength(1);
      expect((await requestJson(`${h.url}/api/coupons/mine`, { token: bob.token })).body.items.map((item: { id: string }) => item.id)).not.toContain(usableId);
      expect((await requestJson(`${h.url}/api/coupons/mine?status=lost`, { token: carol.token })).status).toBe(400);
    });
  });

  describe('on orders', () => {
    it('takes an amount off, spread over the lines, and marks the coupon used by that order', async () => {
      const { skus } = await seedProduct([3000, 1000]);
      const coupon = await issue({ amountFen: 1000, minSpendFen: 4000 });
      const id = await claimed(alice, coupon.id);
      const reply = await order(
        alice,
        [
          { skuId: skus[0], quantity: 1 },
          { skuId: skus[1], quantity: 1 },
        ],
        id,
      );
      expect(reply.status).toBe(201);
      expect(reply.body).toMatchObject({ totalFen: 3000, discountFen: 1000 });
      expect(reply.body.items.map((item: { discountFen: number }) => item.discountFen)).toEqual([750, 250]);
      expect(await userCoupon(id)).toEqual({ status: 'used', order_id: reply.body.id });
      const [row] = await h.query<{ total_fen: number; discount_fen: number }>('SELECT total_fen, discount_fen FROM orders WHERE id = ?', [reply.body.id]);
      expect(row).toEqual({ total_fen: 3000, discount_fen: 1000 });
      expect((await requestJson(`${h.url}/api/orders/${reply.body.id}`, { token: alice.token })).body).toMatchObject({ totalFen: 3000, discountFen: 1000 });
    });

    it('takes a percent off the lines in scope only, rounded down, and never below 1 fen to pay', async () => {
      const tea = await seedProduct([999]);
      const cups = await seedProduct([500]);
      const percent = await issue({ kind: 'percent', amountFen: undefined, percentOff: 15, categoryIds: [tea.categoryId] });
      const reply = await order(
        alice,
        [
          { skuId: tea.skus[0], quantity: 1 },
          { skuId: cups.skus[0], quantity: 1 },
        ],
        await claimed(alice, percent.id),
      );
      expect(reply.body).toMatchObject({ totalFen: 999 + 500 - 149, discountFen: 149 });
      expect(reply.body.items.map((item: { discountFen: number }) => item.discountFen)).toEqual([149, 0]);

      const huge = await issue({ amountFen: 1_000_000, productIds: [cups.productId] });
      const capped = await order(alice, [{ skuId: cups.skus[0], quantity: 1 }], await claimed(alice, huge.id));
      expect(capped.body).toMatchObject({ totalFen: 1, discountFen: 499 });
      expect((await order(alice, [{ skuId: cups.skus[0], quantity: 1 }])).body).toMatchObject({ totalFen: 500, discountFen: 0 });
    });

    it("refuses another user's, an inapplicable, a not-yet-valid, an expired or a used coupon with a stable code, changing nothing", async () => {
      const dave = await h.login('coupon-dave');
      const { skus, productId } = await seedProduct([2000], 10);
      const line = [{ skuId: skus[0], quantity: 1 }];
      const theirs = await claimed(bob, (await issue()).id);
      const minSpend = await claimed(dave, (await issue({ minSpendFen: 2001 })).id);
      const scope = await claimed(dave, (await issue({ productIds: ['01JD3Q8Y5M7T2K9X4C6V8B0N1P'] })).id);
      const later = await issue();
      const notYet = await claimed(dave, later.id);
      await h.query('UPDATE coupons SET starts_at = NOW(3) + INTERVAL 1 HOUR WHERE id = ?', [later.id]);
      const gone = await issue();
      const expired = await claimed(dave, gone.id);
      await h.query('UPDATE coupons SET ends_at = NOW(3) - INTERVAL 1 SECOND WHERE id = ?', [gone.id]);
      const used = await claimed(dave, (await issue({ productIds: [productId] })).id);
      expect((await order(dave, line, used)).status).toBe(201);
      const ordersBefore = await ordersOf(dave);
      const stockBefore = await h.stockOf(skus[0]);

      const cases: [string, number, string][] = [
        [theirs, 404, 'COUPON_NOT_FOUND'],
        ['01JD3Q8Y5M7T2K9X4C6V8B0N1P', 404, 'COUPON_NOT_FOUND'],
        [minSpend, 422, 'COUPON_NOT_APPLICABLE'],
        [scope, 422, 'COUPON_NOT_APPLICABLE'],
        [notYet, 409, 'COUPON_NOT_USABLE'],
        [expired, 409, 'COUPON_NOT_USABLE'],
        [used, 409, 'COUPON_ALREADY_USED'],
      ];
      for (const [id, status, code] of cases) {
        const reply = await order(dave, line, id);
        expect([id, reply.status, reply.body.code]).toEqual([id, status, code]);
      }
      expect((await order(dave, line, 'not-an-id')).status).toBe(400);
      expect(await ordersOf(dave)).toBe(ordersBefore);
      expect(await h.stockOf(skus[0])).toBe(stockBefore);
      for (const id of [theirs, minSpend, scope, notYet, expired]) expect((await userCoupon(id)).status).toBe('unused');
    });

    it('lets one order at most use a coupon when several race for it on two replicas; the others get 409 COUPON_ALREADY_USED', async () => {
      const { skus } = await seedProduct([1500], 50);
      const id = await claimed(alice, (await issue()).id);
      const ordersBefore = await ordersOf(alice);
      const replies = await Promise.all(Array.from({ length: 8 }, (_, n) => order(alice, [{ skuId: skus[0], quantity: 1 }], id, n % 2 ? replica.url : h.url)));
      const placed = replies.filter((reply) => reply.status === 201);
      expect(placed).toHaveLength(1);
      expect(replies.filter((reply) => reply.status !== 201).map((reply) => [reply.status, reply.body.code])).toEqual(
        Array(7).fill([409, 'COUPON_ALREADY_USED']),
      );
      expect(await ordersOf(alice)).toBe(ordersBefore + 1);
      expect(await h.stockOf(skus[0])).toBe(49);
      expect(await userCoupon(id)).toEqual({ status: 'used', order_id: placed[0].body.id });
    });

    it('comes back unused when its order is cancelled, and can then be used again', async () => {
      const { skus } = await seedProduct([1500]);
      const id = await claimed(alice, (await issue()).id);
      const first = await order(alice, [{ skuId: skus[0], quantity: 1 }], id);
      const cancelled = await requestJson(`${h.url}/api/orders/${first.body.id}/cancel`, { method: 'POST', token: alice.token });
      expect(cancelled.status).toBe(200);
      expect(await userCoupon(id)).toEqual({ status: 'unused', order_id: null });
      const second = await order(alice, [{ skuId: skus[0], quantity: 1 }], id);
      expect(second.body).toMatchObject({ discountFen: 1000 });
      expect(await userCoupon(id)).toEqual({ status: 'used', order_id: second.body.id });
    });

    it('comes back unused exactly once when its order expires, even with replicas expiring it together, and a later order keeps it', async () => {
      const { skus } = await seedProduct([1500]);
      const id = await claimed(alice, (await issue()).id);
      const first = await order(alice, [{ skuId: skus[0], quantity: 1 }], id);
      await h.query('UPDATE orders SET expires_at = NOW(3) - INTERVAL 2 SECOND WHERE id = ?', [first.body.id]);
      const outcomes = await Promise.all(Array.from({ length: 6 }, (_, n) => (n % 2 ? replica : h).app.get(OrderLifecycleService).expire(first.body.id)));
      expect(outcomes.filter((outcome) => outcome === 'cancelled')).toHaveLength(1);
      expect(await userCoupon(id)).toEqual({ status: 'unused', order_id: null });
      const second = await order(alice, [{ skuId: skus[0], quantity: 1 }], id);
      expect(second.status).toBe(201);
      // The expired order's coupon is not given back again: the second order keeps it.
      await h.app.get(OrderLifecycleService).expire(first.body.id);
      await h.app.get(OrderSweeperService).sweep();
      expect(await userCoupon(id)).toEqual({ status: 'used', order_id: second.body.id });
    });

    it('comes back when the sweeper repairs a creation abandoned mid-reservation (its stock released too)', async () => {
      const { skus } = await seedProduct([1500]);
      const id = await claimed(bob, (await issue()).id);
      const placed = await order(bob, [{ skuId: skus[0], quantity: 1 }], id);
      // As a replica dying between the reservation and the placement leaves it: hidden, still reserving.
      await h.query("UPDATE orders SET placed_at = NULL, stock_state = 'reserving', created_at = NOW(3) - INTERVAL 1 HOUR WHERE id = ?", [placed.body.id]);
      const report = await h.app.get(OrderSweeperService).sweep();
      expect(report.abandonedCreations).toBeGreaterThanOrEqual(1);
      expect(report.couponsReturned).toBeGreaterThanOrEqual(1);
      expect(await userCoupon(id)).toEqual({ status: 'unused', order_id: null });
      const [row] = await h.query<{ status: string; stock_state: string }>('SELECT status, stock_state FROM orders WHERE id = ?', [placed.body.id]);
      expect(row).toEqual({ status: 'cancelled', stock_state: 'released' });
    });

    it('is given back by the sweeper when a crash left it on a cancelled order or an order that was never placed', async () => {
      const { skus } = await seedProduct([1500]);
      const [a, b] = [await claimed(bob, (await issue()).id), await claimed(bob, (await issue()).id)];
      const placed = await order(bob, [{ skuId: skus[0], quantity: 1 }], a);
      const other = await order(bob, [{ skuId: skus[0], quantity: 1 }], b);
      // As a crash between the steps would leave them: cancelled with the coupon still held; deleted before the coupon came back.
      await h.query("UPDATE orders SET status = 'cancelled', cancel_reason = 'creation_failed' WHERE id = ?", [placed.body.id]);
      await h.query('DELETE FROM orders WHERE id = ?', [other.body.id]);
      const report = await h.app.get(OrderSweeperService).sweep();
      expect(report.couponsReturned).toBe(2);
      expect([await userCoupon(a), await userCoupon(b)]).toEqual([
        { status: 'unused', order_id: null },
        { status: 'unused', order_id: null },
      ]);
      expect((await h.app.get(OrderSweeperService).sweep()).couponsReturned).toBe(0);
    });
  });
});
