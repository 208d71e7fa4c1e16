import { requestJson } from '#libs/testing';
import { eventually, orderBody, OrdersHarness, startOrdersHarness, TestUser } from './orders-test-harness';

/** A word auth's sandbox flags as risky (the harness configures it). */
const RISKY = 'forbidden-word';

describe("content security: order, booking and after-sale texts pass WeChat's msgSecCheck before anything is stored (real orders, catalog, auth, sandbox)", () => {
  let h: OrdersHarness;
  let alice: TestUser;
  let sku: string;
  let slotId: string;

  const count = async (sql: string, params: unknown[] = []) => Number((await h.query<{ n: number }>(sql, params))[0].n);
  const ordersOf = (user: TestUser) => count('SELECT COUNT(*) AS n FROM orders WHERE user_id = ?', [user.id]);
  const setOutage = (outage: boolean) =>
    fetch(`${h.auth.sandbox.url}/sandbox/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ outage }) });
  const secChecks = async () => ((await requestJson(`${h.auth.sandbox.url}/sandbox/stats`)).body.msg_sec_check ?? {}) as Record<string, number>;
  const placeOrder = (remark: string, key: string) =>
    requestJson(`${h.url}/api/orders`, {
      token: alice.token,
      body: orderBody([{ skuId: sku, quantity: 1 }], { remark }),
      headers: { 'idempotency-key': key },
    });
  const book = (remark: string, key: string) =>
    requestJson(`${h.url}/api/appointments`, {
      token: alice.token,
      body: { slotId, contact: { name: 'Alice', phone: '13800138000' }, remark },
      headers: { 'idempotency-key': key },
    });

  beforeAll(async () => {
    h = await startOrdersHarness();
    alice = await h.login('content-alice');
    [sku] = await h.seedSkus([{ priceFen: 990, stock: 50 }]);
    const admin = (path: string, body: unknown) => requestJson(`${h.url}/api/appointments/admin${path}`, { token: h.staffToken, body });
    const resource = await admin('/resources', { name: 'Tea tasting', kind: 'room' });
    const startsAt = new Date(Date.now() + 5 * 3600_000);
    const slots = await admin('/slots', {
      resourceId: resource.body.id,
      slots: [{ startsAt: startsAt.toISOString(), endsAt: new Date(startsAt.getTime() + 1800_000).toISOString(), capacity: 5 }],
    });
    slotId = slots.body.items[0].id;
  }, 90000);
  afterAll(async () => {
    await setOutage(false).catch(() => undefined);
    await h?.close();
  });

  it('refuses an order whose remark is risky with 422 CONTENT_REJECTED: no order, no stock taken, no success kept for its key', async () => {
    const before = await secChecks();
    const refused = await placeOrder(`please ${RISKY} deliver`, 'content-order-1');
    expect(refused.status).toBe(422);
    expect(refused.body).toMatchObject({ code: 'CONTENT_REJECTED' });
    expect((await secChecks()).risky).toBe((before.risky ?? 0) + 1);
    expect(await ordersOf(alice)).toBe(0);
    expect(await h.stockOf(sku)).toBe(50);
    // The key's answer is the refusal, never an order.
    const repeated = await placeOrder(`please ${RISKY} deliver`, 'content-order-1');
    expect([repeated.status, repeated.body.code]).toEqual([422, 'CONTENT_REJECTED']);
    expect(await ordersOf(alice)).toBe(0);
    const placed = await placeOrder('请下午送货', 'content-order-1b');
    expect(placed.status).toBe(201);
    expect(placed.body.remark).toBe('请下午送货');
    expect(await h.stockOf(sku)).toBe(49);
  });

  it('answers 503 WECHAT_UNAVAILABLE while WeChat is down, and stores nothing (never a silent pass)', async () => {
    const orders = await ordersOf(alice);
    await setOutage(true);
    try {
      const order = await placeOrder('请下午送货', 'content-order-2');
      expect([order.status, order.body.code]).toEqual([503, 'WECHAT_UNAVAILABLE']);
      const booking = await book('第一次来', 'content-book-2');
      expect([booking.status, booking.body.code]).toEqual([503, 'WECHAT_UNAVAILABLE']);
    } finally {
      await setOutage(false);
    }
    expect(await ordersOf(alice)).toBe(orders);
    expect(await h.stockOf(sku)).toBe(49);
    expect(await count('SELECT COUNT(*) AS n FROM appointments WHERE user_id = ?', [alice.id])).toBe(0);
    expect(await count('SELECT booked AS n FROM appointment_slots WHERE id = ?', [slotId])).toBe(0);
  });

  it('refuses a booking whose remark is risky: no appointment, no place taken', async () => {
    const refused = await book(`${RISKY}!`, 'content-book-1');
    expect([refused.status, refused.body.code]).toEqual([422, 'CONTENT_REJECTED']);
    expect(await count('SELECT COUNT(*) AS n FROM appointments WHERE user_id = ?', [alice.id])).toBe(0);
    expect(await count('SELECT booked AS n FROM appointment_slots WHERE id = ?', [slotId])).toBe(0);
    const booked = await book('第一次来，想咨询一下', 'content-book-3');
    expect(booked.status).toBe(201);
  });

  it('refuses an after-sale request whose reason or remark is risky: no request, no order event', async () => {
    const order = await placeOrder('', 'content-order-3');
    expect(order.status).toBe(201);
    const params = await requestJson(`${h.url}/api/orders/${order.body.id}/pay`, { method: 'POST', token: alice.token });
    await fetch(`${h.paySandbox.url}/sandbox/pay/${String(params.body.package).replace('prepay_id=', '')}`, { method: 'POST' });
    await eventually(async () => (await requestJson(`${h.url}/api/orders/${order.body.id}`, { token: alice.token })).body.status === 'paid');
    const ask = (body: Record<string, unknown>) => requestJson(`${h.url}/api/orders/${order.body.id}/after-sales`, { token: alice.token, body });

    for (const body of [
      { reason: `${RISKY} inside`, refundFen: 500 },
      { reason: '茶叶受潮', refundFen: 500, remark: `and ${RISKY}` },
    ]) {
      const refused = await ask(body);
      expect([refused.status, refused.body.code]).toEqual([422, 'CONTENT_REJECTED']);
    }
    expect(await count('SELECT COUNT(*) AS n FROM after_sales WHERE order_id = ?', [order.body.id])).toBe(0);
    expect(await count("SELECT COUNT(*) AS n FROM order_events WHERE order_id = ? AND reason LIKE 'after_sale%'", [order.body.id])).toBe(0);
    const taken = await ask({ reason: '茶叶受潮', refundFen: 500, remark: '包装完好' });
    expect(taken.status).toBe(201);
  });
});
