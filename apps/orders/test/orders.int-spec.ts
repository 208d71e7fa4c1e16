import { requestJson } from '#libs/testing';
import { orderBody, OrdersHarness, OrdersInstance, startOrdersHarness, TestUser } from './orders-test-harness';

describe('orders: placement, reading, cancelling and the state machine (real orders, catalog, auth; MariaDB, Redis, NATS)', () => {
  let h: OrdersHarness;
  let alice: TestUser;
  let bob: TestUser;
  const create = (user: TestUser, body: unknown, url = h.url, key?: string) =>
    requestJson(`${url}/api/orders`, { token: user.token, body, headers: key ? { 'idempotency-key': key } : {} });
  const staff = (path: string, body?: unknown) =>
    requestJson(`${h.url}/api/orders/admin${path}`, {
      method: body === undefined && !path.match(/ship|complete|refund/) ? 'GET' : 'POST',
      token: h.staffToken,
      body,
    });

  beforeAll(async () => {
    h = await startOrdersHarness({}, { catalogReplicas: 2 });
    [alice, bob] = await Promise.all([h.login('alice'), h.login('bob')]);
  }, 60000);
  afterAll(() => h?.close());

  it('places an order priced and named by the catalog, reserving its stock', async () => {
    const [small, large] = await h.seedSkus(
      [
        { name: '250g', priceFen: 8800, stock: 10 },
        { name: '500g', priceFen: 16800, stock: 5 },
      ],
      { title: '西湖龙井' },
    );
    const before = Date.now();
    const reply = await create(
      alice,
      orderBody(
        [
          { skuId: small, quantity: 2 },
          { skuId: large, quantity: 1 },
          { skuId: small, quantity: 1 },
        ],
        { remark: 'gift wrap' },
      ),
    );
    expect(reply.status).toBe(201);
    expect(reply.body).toMatchObject({
      id: expect.stringMatching(/^[0-9A-HJKMNP-TV-Z]{26}$/),
      orderNo: expect.stringMatching(/^\d{22}$/),
      userId: alice.id,
      status: 'pending_payment',
      totalFen: 3 * 8800 + 16800,
      contact: { name: 'Alice', phone: '13800138000', address: '1 Tea Street, Hangzhou' },
      remark: 'gift wrap',
      paidAt: null,
      refund: null,
    });
    expect(reply.body.items).toEqual([
      expect.objectContaining({ skuId: small, productTitle: '西湖龙井', skuName: '250g', priceFen: 8800, quantity: 3, subtotalFen: 26400 }),
      expect.objectContaining({ skuId: large, skuName: '500g', priceFen: 16800, quantity: 1, subtotalFen: 16800 }),
    ]);
    const expiresIn = new Date(reply.body.expiresAt).getTime() - before;
    expect(expiresIn).toBeGreaterThan(899_000);
    expect(expiresIn).toBeLessThan(905_000);
    expect([await h.stockOf(small), await h.stockOf(large)]).toEqual([7, 4]);
    const [row] = await h.query<{ stock_state: string }>('SELECT stock_state FROM orders WHERE id = ?', [reply.body.id]);
    expect(row.stock_state).toBe('reserved');
    const history = await h.query('SELECT from_status, to_status, actor_kind, actor_id FROM order_events WHERE order_id = ?', [reply.body.id]);
    expect(history).toEqual([{ from_status: null, to_status: 'pending_payment', actor_kind: 'user', actor_id: alice.id }]);
  });

  it('keeps the price of the moment it was placed, whatever the catalog does later', async () => {
    const [sku] = await h.seedSkus([{ priceFen: 500, stock: 10 }]);
    const order = await create(alice, orderBody([{ skuId: sku, quantity: 1 }]));
    const patched = await requestJson(`${h.catalog.url}/api/catalog/admin/skus/${sku}`, {
      method: 'PATCH',
      token: h.catalog.staffToken,
      body: { priceFen: 999 },
    });
    expect(patched.status).toBe(200);
    const again = await requestJson(`${h.url}/api/orders/${order.body.id}`, { token: alice.token });
    expect(again.body).toMatchObject({ totalFen: 500, items: [expect.objectContaining({ priceFen: 500 })] });
    expect((await create(alice, orderBody([{ skuId: sku, quantity: 1 }]))).body.totalFen).toBe(999);
  });

  it('gives unique order numbers that sort in creation order', async () => {
    const [sku] = await h.seedSkus([{ priceFen: 100, stock: 100 }]);
    const replies = [];
    for (let i = 0; i < 5; i++) replies.push(await create(alice, orderBody([{ skuId: sku, quantity: 1 }])));
    const numbers = replies.map((reply) => reply.body.orderNo as string);
    expect(new Set(numbers).size).toBe(5);
    expect([...numbers].sort()).toEqual(numbers);
    const ids = replies.map((reply) => reply.body.id as string);
    expect([...ids].sort()).toEqual(ids);
  });

  it('shows users their own orders only (another user’s is 404), newest first with cursor paging and a status filter', async () => {
    const [sku] = await h.seedSkus([{ priceFen: 100, stock: 100 }]);
    const carol = await h.login('carol');
    const mine = [];
    for (let i = 0; i < 3; i++) mine.push((await create(carol, orderBody([{ skuId: sku, quantity: 1 }]))).body);
    const theirs = (await create(bob, orderBody([{ skuId: sku, quantity: 1 }]))).body;

    const notMine = await requestJson(`${h.url}/api/orders/${theirs.id}`, { token: carol.token });
    expect(notMine.status).toBe(404);
    expect(notMine.body.code).toBe('ORDER_NOT_FOUND');
    expect((await requestJson(`${h.url}/api/orders/${theirs.id}/cancel`, { method: 'POST', token: carol.token })).status).toBe(404);
    expect((await requestJson(`${h.url}/api/orders/${theirs.id}/pay`, { method: 'POST', token: carol.token })).status).toBe(404);

    const first = await requestJson(`${h.url}/api/orders?limit=2`, { token: carol.token });
    expect(first.status).toBe(200);
    expect(first.body.items.map((o: { id: string }) => o.id)).toEqual([mine[2].id, mine[1].id]);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await requestJson(`${h.url}/api/orders?limit=2&cursor=${first.body.nextCursor}`, { token: carol.token });
    expect(second.body).toEqual({ items: [expect.objectContaining({ id: mine[0].id })], nextCursor: null });

    await requestJson(`${h.url}/api/orders/${mine[1].id}/cancel`, { method: 'POST', token: carol.token });
    const cancelled = await requestJson(`${h.url}/api/orders?status=cancelled`, { token: carol.token });
    expect(cancelled.body.items.map((o: { id: string }) => o.id)).toEqual([mine[1].id]);

    const staffView = await requestJson(`${h.url}/api/orders/${theirs.id}`, { token: h.staffToken });
    expect(staffView.status).toBe(200);
    const staffList = await requestJson(`${h.url}/api/orders?limit=100`, { token: h.staffToken });
    expect(staffList.body.items.map((o: { userId: string }) => o.userId)).toEqual(expect.arrayContaining([carol.id, bob.id]));
  });

  it('lets the owner cancel an unpaid order: stock released once, then 409 ORDER_STATE_CONFLICT', async () => {
    const [sku] = await h.seedSkus([{ priceFen: 300, stock: 5 }]);
    const order = (await create(alice, orderBody([{ skuId: sku, quantity: 4 }]))).body;
    expect(await h.stockOf(sku)).toBe(1);
    const cancelled = await requestJson(`${h.url}/api/orders/${order.id}/cancel`, { method: 'POST', token: alice.token });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ status: 'cancelled', cancelReason: 'user_cancelled', cancelledAt: expect.any(String), refund: null });
    expect(await h.stockOf(sku)).toBe(5);
    const again = await requestJson(`${h.url}/api/orders/${order.id}/cancel`, { method: 'POST', token: alice.token });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('ORDER_STATE_CONFLICT');
    expect(await h.stockOf(sku)).toBe(5);
    const [row] = await h.query<{ stock_state: string }>('SELECT stock_state FROM orders WHERE id = ?', [order.id]);
    expect(row.stock_state).toBe('released');
  });

  it('enforces the state machine on staff moves and records who did what', async () => {
    const [sku] = await h.seedSkus([{ priceFen: 300, stock: 5 }]);
    const order = (await create(alice, orderBody([{ skuId: sku, quantity: 1 }]))).body;
    for (const action of ['ship', 'complete']) {
      const reply = await staff(`/${order.id}/${action}`, action === 'ship' ? { carrier: 'SF Express', trackingNo: 'SF1' } : {});
      expect(reply.status).toBe(409);
      expect(reply.body.code).toBe('ORDER_STATE_CONFLICT');
    }
    // Paid through the real notification path is covered by the payment specs; here the row is moved as WeChat Pay would.
    await h.query("UPDATE orders SET status = 'paid', paid_at = NOW(3), transaction_id = 'T1', paid_fen = total_fen WHERE id = ?", [order.id]);
    expect((await staff(`/${order.id}/complete`, {})).body.code).toBe('ORDER_STATE_CONFLICT');
    const shipped = await staff(`/${order.id}/ship`, { carrier: 'SF Express', trackingNo: 'SF1234567890' });
    expect(shipped.status).toBe(200);
    expect(shipped.body).toMatchObject({
      status: 'shipped',
      shipment: { logisticsType: 'express', carrier: 'SF Express', trackingNo: 'SF1234567890', wechatSync: 'pending' },
      shippedAt: expect.any(String),
    });
    expect((await staff(`/${order.id}/ship`, { logisticsType: 'virtual' })).body.code).toBe('ORDER_STATE_CONFLICT');
    expect((await requestJson(`${h.url}/api/orders/${order.id}/cancel`, { method: 'POST', token: alice.token })).body.code).toBe('ORDER_STATE_CONFLICT');
    const completed = await staff(`/${order.id}/complete`, {});
    expect(completed.body).toMatchObject({ status: 'completed', completedAt: expect.any(String) });
    for (const action of ['ship', 'complete', 'refund']) {
      expect((await staff(`/${order.id}/${action}`, action === 'ship' ? { logisticsType: 'virtual' } : {})).body.code).toBe('ORDER_STATE_CONFLICT');
    }

    const detail = await staff(`/${order.id}`);
    expect(detail.status).toBe(200);
    expect(detail.body.history).toEqual([
      expect.objectContaining({ from: null, to: 'pending_payment', actor: { kind: 'user', id: alice.id } }),
      expect.objectContaining({ from: 'paid', to: 'shipped', actor: { kind: 'staff', id: '01STAFF0000000000000000000' }, reason: 'staff_ship' }),
      expect.objectContaining({ from: 'shipped', to: 'completed', actor: { kind: 'staff', id: '01STAFF0000000000000000000' }, reason: 'staff_complete' }),
    ]);
    for (const event of detail.body.history) expect(new Date(event.at).getTime()).toBeGreaterThan(Date.now() - 60000);
  });

  it('lets staff filter all orders by status, user and order number', async () => {
    const [sku] = await h.seedSkus([{ priceFen: 100, stock: 10 }]);
    const dave = await h.login('dave');
    const order = (await create(dave, orderBody([{ skuId: sku, quantity: 1 }]))).body;
    const byUser = await staff(`?userId=${dave.id}`);
    expect(byUser.body.items.map((o: { id: string }) => o.id)).toEqual([order.id]);
    const byNumber = await staff(`?orderNo=${order.orderNo}`);
    expect(byNumber.body.items.map((o: { id: string }) => o.id)).toEqual([order.id]);
    const byStatus = await staff(`?status=pending_payment&userId=${dave.id}&createdFrom=${encodeURIComponent(new Date(Date.now() - 60000).toISOString())}`);
    expect(byStatus.body.items).toHaveLength(1);
    expect((await staff(`?status=paid&userId=${dave.id}`)).body.items).toEqual([]);
  });

  it('keeps users out of the staff routes (403) and everyone anonymous out of orders (401)', async () => {
    expect((await requestJson(`${h.url}/api/orders/admin`, { token: alice.token })).status).toBe(403);
    expect((await requestJson(`${h.url}/api/orders`)).status).toBe(401);
    const staffCreate = await requestJson(`${h.url}/api/orders`, {
      token: h.staffToken,
      body: orderBody([{ skuId: '01ARZ3NDEKTSV4RRFFQ69G5FAV', quantity: 1 }]),
    });
    expect(staffCreate.status).toBe(403);
  });

  it('never oversells: 60 buyers on two orders replicas and two catalog replicas for 20 units get exactly 20 orders', async () => {
    const [sku] = await h.seedSkus([{ priceFen: 100, stock: 20 }]);
    const second: OrdersInstance = await h.startReplica();
    const buyers = await Promise.all(Array.from({ length: 60 }, (_, i) => h.login(`rush-${i}`)));
    const replies = await Promise.all(buyers.map((buyer, i) => create(buyer, orderBody([{ skuId: sku, quantity: 1 }]), i % 2 ? h.url : second.url)));
    const statuses = replies.map((reply) => reply.status);
    expect(statuses.filter((status) => status === 201)).toHaveLength(20);
    expect(new Set(replies.filter((reply) => reply.status !== 201).map((reply) => reply.body.code))).toEqual(new Set(['INSUFFICIENT_STOCK']));
    expect(await h.stockOf(sku)).toBe(0);
    const [count] = await h.query<{ n: number }>(
      'SELECT COUNT(*) AS n FROM orders o JOIN order_items i ON i.order_id = o.id WHERE i.sku_id = ? AND o.placed_at IS NOT NULL',
      [sku],
    );
    expect(Number(count.n)).toBe(20);
    const [leftovers] = await h.query<{ n: number }>(
      'SELECT COUNT(*) AS n FROM orders o JOIN order_items i ON i.order_id = o.id WHERE i.sku_id = ? AND o.placed_at IS NULL',
      [sku],
    );
    expect(Number(leftovers.n)).toBe(0);
  });
});
