import { Queue } from 'bullmq';
import { createHash } from 'node:crypto';
import { AppError } from '#libs/errors';
import { requestJson, startPrivateNats, PrivateNats } from '#libs/testing';
import { CatalogClient } from '../src/clients/catalog.client';
import { expiryJobId, OrderExpiryScheduler } from '../src/jobs/order-expiry.scheduler';
import { OrderLifecycleService } from '../src/services/order-lifecycle.service';
import { OrderSweeperService } from '../src/services/order-sweeper.service';
import { eventually, orderBody, OrdersHarness, OrdersInstance, startOrdersHarness, TestUser } from './orders-test-harness';

describe('unpaid orders expire exactly once; the sweeper repairs what jobs and crashes miss (real BullMQ, catalog, MariaDB)', () => {
  let h: OrdersHarness;
  let replicas: OrdersInstance[];
  let user: TestUser;
  let nats: PrivateNats;

  const place = async (skuId: string, quantity: number, url = h.url) => {
    const reply = await requestJson(`${url}/api/orders`, { token: user.token, body: orderBody([{ skuId, quantity }]) });
    expect(reply.status).toBe(201);
    return reply.body as { id: string; orderNo: string; expiresAt: string };
  };
  const row = async (id: string) => (await h.query<Record<string, unknown>>('SELECT * FROM orders WHERE id = ?', [id]))[0];
  const cancellations = async (id: string) => await h.query("SELECT actor_kind, reason FROM order_events WHERE order_id = ? AND to_status = 'cancelled'", [id]);
  const expiryQueue = (instance: OrdersInstance = h): Queue => instance.app.get(OrderExpiryScheduler).queue as Queue;
  /** The id of the expiry job of the second an order falls due in. */
  const jobOf = (order: { expiresAt: string }) => expiryJobId(Math.ceil(new Date(order.expiresAt).getTime() / 1000));

  beforeAll(async () => {
    h = await startOrdersHarness({ ORDER_PAYMENT_TTL_SECONDS: '2', ORDER_SWEEP_INTERVAL_SECONDS: '1', ORDER_REPAIR_AFTER_SECONDS: '1' });
    replicas = [h, await h.startReplica(), await h.startReplica()];
    user = await h.login('expiring-user');
    nats = await startPrivateNats();
  }, 60000);
  afterAll(async () => {
    await h?.close();
    await nats?.stop();
  });

  it("cancels an unpaid order at expiresAt through its second's delayed job and returns its stock once, with three replicas working the queue", async () => {
    const [sku] = await h.seedSkus([{ priceFen: 100, stock: 10 }]);
    const order = await place(sku, 3);
    expect(await h.stockOf(sku)).toBe(7);
    const job = await expiryQueue().getJob(jobOf(order));
    expect(job?.data.dueBy).toBeGreaterThanOrEqual(new Date(order.expiresAt).getTime());
    expect(job!.opts.delay).toBeGreaterThan(1000);

    await eventually(async () => (await row(order.id)).status === 'cancelled', 10000);
    const cancelledAt = new Date((await row(order.id)).cancelled_at as Date).getTime();
    expect(cancelledAt).toBeGreaterThanOrEqual(new Date(order.expiresAt).getTime() - 1000);
    await eventually(async () => (await row(order.id)).stock_state === 'released');
    expect(await h.stockOf(sku)).toBe(10);
    expect(await cancellations(order.id)).toEqual([{ actor_kind: 'system', reason: 'payment_timeout' }]);
    const view = await requestJson(`${h.url}/api/orders/${order.id}`, { token: user.token });
    expect(view.body).toMatchObject({ status: 'cancelled', cancelReason: 'payment_timeout' });
  });

  it('gives the orders falling due in one second one job, however many replicas place them', async () => {
    const [sku] = await h.seedSkus([{ priceFen: 100, stock: 10 }]);
    const orders = await Promise.all(replicas.map((replica) => place(sku, 1, replica.url)).concat(replicas.map((replica) => place(sku, 1, replica.url))));
    const seconds = new Set(orders.map(jobOf));
    // Six orders placed at once fall due within a second, or across the boundary of two.
    expect(seconds.size).toBeLessThanOrEqual(2);
    const jobs = (await expiryQueue().getDelayed()).filter((job) => seconds.has(job.id!));
    expect(jobs).toHaveLength(seconds.size);
    await eventually(async () => (await h.stockOf(sku)) === 10, 10000);
    for (const order of orders) expect(await row(order.id)).toMatchObject({ status: 'cancelled', cancel_reason: 'payment_timeout' });
  });

  it("cancels in one call every order unpaid by its second's end, and no order due later", async () => {
    const [sku] = await h.seedSkus([{ priceFen: 100, stock: 10 }]);
    const orders = await Promise.all([1, 2, 3, 4].map(() => place(sku, 1)));
    // Due 0.7 s from now, so the 1 s sweep (which takes orders already expired) cannot take them first; the last one later.
    await h.query(
      'UPDATE orders SET expires_at = NOW(3) + INTERVAL 0.7 SECOND WHERE id IN (?, ?, ?)',
      orders.slice(0, 3).map((order) => order.id),
    );
    await h.query('UPDATE orders SET expires_at = NOW(3) + INTERVAL 60 SECOND WHERE id = ?', [orders[3].id]);
    const dueBy = new Date(Math.ceil((Date.now() + 700) / 1000) * 1000);
    expect(await replicas[1].app.get(OrderLifecycleService).expireDue(dueBy)).toBe(3);
    for (const order of orders.slice(0, 3)) expect(await cancellations(order.id)).toEqual([{ actor_kind: 'system', reason: 'payment_timeout' }]);
    expect(await row(orders[3].id)).toMatchObject({ status: 'pending_payment' });
    await eventually(async () => (await h.stockOf(sku)) === 9);
  });

  it('cancels once and releases once however many replicas expire the same order at the same moment', async () => {
    const [sku] = await h.seedSkus([{ priceFen: 100, stock: 10 }]);
    const order = await place(sku, 4);
    await expiryQueue().remove(jobOf(order));
    await h.query('UPDATE orders SET expires_at = NOW(3) - INTERVAL 1 SECOND WHERE id = ?', [order.id]);
    const outcomes = await Promise.all(Array.from({ length: 12 }, (_, i) => replicas[i % 3].app.get(OrderLifecycleService).expire(order.id)));
    expect(outcomes.filter((outcome) => outcome === 'cancelled')).toHaveLength(1);
    expect(await h.stockOf(sku)).toBe(10);
    expect(await cancellations(order.id)).toHaveLength(1);
  });

  it("leaves a paid order paid when its second's expiry job runs", async () => {
    const patient = await h.startReplica({ ORDER_PAYMENT_TTL_SECONDS: '7' });
    const [sku] = await h.seedSkus([{ priceFen: 100, stock: 10 }]);
    const order = await place(sku, 1, patient.url);
    expect(await expiryQueue().getJob(jobOf(order))).toBeDefined();
    const params = await requestJson(`${patient.url}/api/orders/${order.id}/pay`, { method: 'POST', token: user.token });
    expect(params.status).toBe(200);
    await fetch(`${h.paySandbox.url}/sandbox/pay/${params.body.package.replace('prepay_id=', '')}`, { method: 'POST' });
    await eventually(async () => (await row(order.id)).status === 'paid');
    await new Promise((resolve) => setTimeout(resolve, Math.max(new Date(order.expiresAt).getTime() - Date.now(), 0) + 2500));
    // The job has run (a completed job is removed) and found the order paid.
    expect(await expiryQueue().getJob(jobOf(order))).toBeUndefined();
    expect(await row(order.id)).toMatchObject({ status: 'paid', stock_state: 'confirmed' });
    expect(await h.stockOf(sku)).toBe(9);
  });

  it('expires an order whose job was lost, from the periodic sweep', async () => {
    const [sku] = await h.seedSkus([{ priceFen: 100, stock: 10 }]);
    const order = await place(sku, 2);
    await expiryQueue().remove(jobOf(order));
    expect(await expiryQueue().getJob(jobOf(order))).toBeUndefined();
    await eventually(async () => (await row(order.id)).status === 'cancelled', 10000);
    await eventually(async () => (await h.stockOf(sku)) === 10);
    expect(await cancellations(order.id)).toEqual([{ actor_kind: 'system', reason: 'payment_timeout' }]);
  });

  it('gives back the stock of a creation that died between reservation and placement', async () => {
    const [sku] = await h.seedSkus([{ priceFen: 100, stock: 10 }]);
    // What a replica killed mid-saga leaves: a hidden order row still `reserving`, and the catalog holding its units.
    const orderId = '01M8000000000000000000DEAD';
    await h.query(
      `INSERT INTO orders (id, order_no, user_id, status, stock_state, total_fen, item_count, contact_name, contact_phone, expires_at, created_at)
       VALUES (?, '2026010100000000099999', ?, 'pending_payment', 'reserving', 500, 5, 'A', '13800138000', NOW(3), NOW(3) - INTERVAL 2 MINUTE)`,
      [orderId, user.id],
    );
    await h.app.get(CatalogClient).reserve(orderId, [{ skuId: sku, quantity: 5 }]);
    expect(await h.stockOf(sku)).toBe(5);
    await eventually(async () => (await row(orderId)).stock_state === 'released', 10000);
    expect(await h.stockOf(sku)).toBe(10);
    expect(await row(orderId)).toMatchObject({ status: 'cancelled', cancel_reason: 'creation_failed', placed_at: null });
    expect((await requestJson(`${h.url}/api/orders/${orderId}`, { token: user.token })).status).toBe(404);
    // A late reservation for it changes nothing: the catalog keeps the release.
    await h.app.get(CatalogClient).reserve(orderId, [{ skuId: sku, quantity: 5 }]);
    expect(await h.stockOf(sku)).toBe(10);
  });

  it('writes nothing when the catalog cannot be reached before the reservation', async () => {
    const [sku] = await h.seedSkus([{ priceFen: 100, stock: 10 }]);
    const [count] = await h.query<{ n: number }>('SELECT COUNT(*) AS n FROM orders');
    const isolated = await h.startReplica({ NATS_URL: nats.url, MESSAGE_TIMEOUT_MS: '300' });
    const reply = await requestJson(`${isolated.url}/api/orders`, { token: user.token, body: orderBody([{ skuId: sku, quantity: 1 }]) });
    expect(reply.status).toBeGreaterThanOrEqual(503);
    expect(['DEPENDENCY_UNAVAILABLE', 'UPSTREAM_TIMEOUT']).toContain(reply.body.code);
    expect((await h.query<{ n: number }>('SELECT COUNT(*) AS n FROM orders'))[0].n).toBe(count.n);
    expect(await h.stockOf(sku)).toBe(10);
  });

  it('hides an order whose reservation timed out (though the catalog did it) and gives the stock back, now and from the sweep', async () => {
    const [sku] = await h.seedSkus([{ priceFen: 100, stock: 10 }]);
    const replica = await h.startReplica();
    const catalog = replica.app.get(CatalogClient);
    const reserve = catalog.reserve.bind(catalog);
    // The catalog reserves, but its answer never arrives in time.
    jest.spyOn(catalog, 'reserve').mockImplementation(async (orderId, lines) => {
      await reserve(orderId, lines);
      throw new AppError('UPSTREAM_TIMEOUT', 'A service took too long to answer');
    });
    const reply = await requestJson(`${replica.url}/api/orders`, { token: user.token, body: orderBody([{ skuId: sku, quantity: 3 }]) });
    expect(reply.status).toBe(504);
    expect(await h.stockOf(sku)).toBe(10);
    const [hidden] = await h.query<Record<string, unknown>>('SELECT * FROM orders o JOIN order_items i ON i.order_id = o.id WHERE i.sku_id = ?', [sku]);
    expect(hidden).toMatchObject({ status: 'cancelled', stock_state: 'releasing', placed_at: null, cancel_reason: 'creation_failed' });
    expect((await requestJson(`${h.url}/api/orders?limit=100`, { token: user.token })).body.items.map((o: { id: string }) => o.id)).not.toContain(hidden.id);
    await h.app.get(OrderSweeperService).sweep(Date.now() + 60000);
    expect(await row(hidden.id as string)).toMatchObject({ stock_state: 'released' });
    expect(await h.stockOf(sku)).toBe(10);
  });

  it("places a keyed order on the retry after its first creation timed out, once, with the first one's stock given back", async () => {
    const [sku] = await h.seedSkus([{ priceFen: 100, stock: 10 }]);
    const replica = await h.startReplica();
    const catalog = replica.app.get(CatalogClient);
    const reserve = catalog.reserve.bind(catalog);
    // The first reservation's answer is lost (what a message dropped by a stopping catalog replica does); later ones arrive.
    jest.spyOn(catalog, 'reserve').mockImplementationOnce(async (orderId, lines) => {
      await reserve(orderId, lines);
      throw new AppError('UPSTREAM_TIMEOUT', 'A service took too long to answer');
    });
    const key = `retry-after-timeout-${sku}`;
    const send = () =>
      requestJson(`${replica.url}/api/orders`, { token: user.token, body: orderBody([{ skuId: sku, quantity: 3 }]), headers: { 'idempotency-key': key } });
    expect((await send()).status).toBe(504);
    const placed = await send();
    expect(placed.status).toBe(201);
    const again = await send();
    expect([again.status, again.body.id]).toEqual([201, placed.body.id]);
    const rows = await h.query<{ id: string; placed_at: Date | null; cancel_reason: string | null }>(
      'SELECT o.id, o.placed_at, o.cancel_reason FROM orders o JOIN order_items i ON i.order_id = o.id WHERE i.sku_id = ? ORDER BY o.created_at',
      [sku],
    );
    expect(rows.map((r) => [r.placed_at !== null, r.cancel_reason])).toEqual([
      [false, 'creation_failed'],
      [true, null],
    ]);
    expect(rows[1].id).toBe(placed.body.id);
    expect(await h.stockOf(sku)).toBe(7);
  });

  it("lets a keyed retry take over a creation its dead replica left reserving, once the key's claim has expired; not before", async () => {
    const [sku] = await h.seedSkus([{ priceFen: 100, stock: 10 }]);
    const key = `dead-replica-${sku}`;
    const keyHash = createHash('sha256').update(key).digest('base64url');
    // What a replica killed between the reservation and the placement leaves: the row still `reserving`, the units held.
    const insertDead = async (orderId: string, orderNo: string, ageSeconds: number) => {
      await h.query(
        `INSERT INTO orders (id, order_no, user_id, status, stock_state, total_fen, item_count, contact_name, contact_phone, idempotency_key, expires_at, created_at)
         VALUES (?, ?, ?, 'pending_payment', 'reserving', 500, 5, 'A', '13800138000', ?, NOW(3) + INTERVAL 15 MINUTE, NOW(3) - INTERVAL ? SECOND)`,
        [orderId, orderNo, user.id, keyHash, ageSeconds],
      );
      await h.query(
        'INSERT INTO order_items (order_id, sku_id, line_no, product_id, product_title, sku_name, unit_price_fen, quantity, subtotal_fen) VALUES (?, ?, 0, ?, ?, ?, 100, 5, 500)',
        [orderId, sku, 'p', 't', 's'],
      );
      await h.app.get(CatalogClient).reserve(orderId, [{ skuId: sku, quantity: 5 }]);
    };
    const send = () =>
      requestJson(`${h.url}/api/orders`, { token: user.token, body: orderBody([{ skuId: sku, quantity: 2 }]), headers: { 'idempotency-key': key } });

    // Dated 10 s ahead: this harness's sweeper repairs creations older than 1 s every second, and must not get to it first.
    await insertDead('01M8000000000000000000TAKE', '2026010100000000088881', -10);
    expect((await send()).body.code).toBe('IDEMPOTENCY_IN_PROGRESS');
    await h.query("UPDATE orders SET created_at = NOW(3) - INTERVAL 30 SECOND WHERE id = '01M8000000000000000000TAKE'");
    const placed = await send();
    expect(placed.status).toBe(201);
    expect(await row('01M8000000000000000000TAKE')).toMatchObject({
      status: 'cancelled',
      cancel_reason: 'creation_failed',
      placed_at: null,
      idempotency_key: null,
    });
    expect(await h.stockOf(sku)).toBe(8);
    expect((await send()).body.id).toBe(placed.body.id);
  });

  it('retries from the sweep a release the catalog could not take at cancel time', async () => {
    const [sku] = await h.seedSkus([{ priceFen: 100, stock: 10 }]);
    const patient = await h.startReplica({ ORDER_PAYMENT_TTL_SECONDS: '600' });
    const order = await place(sku, 6, patient.url);
    const cut = await h.startReplica({ NATS_URL: nats.url, MESSAGE_TIMEOUT_MS: '300', ORDER_PAYMENT_TTL_SECONDS: '600' });
    const cancelled = await requestJson(`${cut.url}/api/orders/${order.id}/cancel`, { method: 'POST', token: user.token });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe('cancelled');
    expect(await row(order.id)).toMatchObject({ stock_state: 'reserved' });
    expect(await h.stockOf(sku)).toBe(4);
    const report = await h.app.get(OrderSweeperService).sweep(Date.now() + 60000);
    expect(report.stockSettled).toBeGreaterThanOrEqual(1);
    expect(await row(order.id)).toMatchObject({ stock_state: 'released' });
    expect(await h.stockOf(sku)).toBe(10);
  });
});
