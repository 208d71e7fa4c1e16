import { connect, NatsConnection } from '@nats-io/transport-node';
import { WECHAT_PUSH_EVENTS } from '#libs/contracts';
import { requestJson } from '#libs/testing';
import { NotifyRelay } from '../../apps/orders/test/notify-relay';
import { LocalCluster } from '../../tools/stack/local-cluster';
import { createTestCluster, queryDatabase, signClusterToken } from './cluster-fixture';

const eventually = async (check: () => Promise<boolean>, timeoutMs = 30000) => {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
};

type Counts = Record<string, number>;

/**
 * Shipping information through the real processes: 2 orders replicas behind HAProxy, auth (the payer's openid and the
 * access token over the bus), the WeChat sandbox playing both WeChat Pay and the shipping management APIs.
 */
describe('shipping information: ship → outbox → upload_shipping_info in the sandbox, retries, a SIGKILLed replica, the settlement event', () => {
  let cluster: LocalCluster;
  let nats: NatsConnection;
  const relay = new NotifyRelay();
  let staffToken: string;
  let buyerToken: string;
  const api = (path: string) => `${cluster.publicUrl}${path}`;
  const sandbox = (path: string, body?: unknown) => requestJson(`${cluster.sandboxUrl}${path}`, body === undefined ? {} : { body });
  const uploadCounts = async (): Promise<Counts> => ((await sandbox('/sandbox/stats')).body.upload_shipping_info ?? {}) as Counts;
  const sandboxCount = async (endpoint: string, result: string) => Number(((await sandbox('/sandbox/stats')).body[endpoint] ?? {})[result] ?? 0);
  const orders = <T = Record<string, unknown>>(sql: string, params: unknown[] = []) => queryDatabase<T>(cluster.databaseUrl('orders'), sql, params);
  const staff = (path: string, body?: unknown) => requestJson(api(`/api/orders/admin${path}`), { token: staffToken, ...(body === undefined ? {} : { body }) });
  const wechatSyncOf = async (orderId: string) => (await staff(`/${orderId}`)).body.shipment?.wechatSync as string | undefined;
  /** What the sandbox's WeChat holds for a payment (get_order), with the app's stable token (the one auth holds). */
  const heldByWechat = async (transactionId: string) => {
    const token = await sandbox('/cgi-bin/stable_token', { grant_type: 'client_credential', appid: 'wx-sandbox-app', secret: 'sandbox-secret' });
    return (await sandbox(`/wxa/sec/order/get_order?access_token=${token.body.access_token}`, { transaction_id: transactionId })).body.order;
  };
  const ordersReplicas = () => [...cluster.replicas.values()].filter((replica) => replica.service === 'orders' && replica.process.running);
  const metricSum = async (name: string, labels: string) => {
    let sum = 0;
    for (const replica of ordersReplicas()) {
      const text = await fetch(`http://127.0.0.1:${replica.port}/metrics`).then(
        (response) => response.text(),
        () => '',
      );
      for (const line of text.split('\n')) if (line.startsWith(name) && line.includes(labels)) sum += Number(line.split(' ').pop());
    }
    return sum;
  };

  /** A buyer's order paid through the WeChat Pay sandbox: its id and WeChat Pay transaction id. */
  const paidOrder = async (): Promise<{ id: string; transactionId: string }> => {
    const category = await requestJson(api('/api/catalog/admin/categories'), { token: staffToken, body: { name: `Shipping ${Date.now()}` } });
    const product = await requestJson(api('/api/catalog/admin/products'), {
      token: staffToken,
      body: { categoryId: category.body.id, title: '西湖龙井', images: ['https://img.example/t.jpg'], skus: [{ name: '250g', priceFen: 8800, stock: 100 }] },
    });
    const placed = await requestJson(api('/api/orders'), {
      token: buyerToken,
      body: { items: [{ skuId: product.body.skus[0].id, quantity: 2 }], contact: { name: 'Buyer', phone: '13800138000' } },
      headers: { 'idempotency-key': `ship-${Date.now()}-${Math.random()}` },
    });
    expect(placed.status).toBe(201);
    const params = await requestJson(api(`/api/orders/${placed.body.id}/pay`), { method: 'POST', token: buyerToken });
    expect(params.status).toBe(200);
    await fetch(`${cluster.sandboxUrl}/sandbox/pay/${String(params.body.package).replace('prepay_id=', '')}`, { method: 'POST' });
    await eventually(async () => (await staff(`/${placed.body.id}`)).body.status === 'paid');
    return { id: placed.body.id, transactionId: (await staff(`/${placed.body.id}`)).body.transactionId };
  };

  beforeAll(async () => {
    await relay.start();
    cluster = createTestCluster(
      { auth: 1, catalog: 1, orders: 2 },
      // Short timeouts make the outbox's lease short (4 WeChat calls + 2 bus requests + 5 s = 13 s).
      { WECHATPAY_NOTIFY_URL: `${relay.url}/api/orders/payments/wechat/notify`, WECHAT_TIMEOUT_MS: '1000', MESSAGE_TIMEOUT_MS: '2000' },
    );
    await cluster.start();
    relay.target = cluster.publicUrl;
    nats = await connect({ servers: cluster.busUrl });
    staffToken = await signClusterToken(cluster, {
      subject: '01CLUSTERSTAFF000000000000',
      kind: 'staff',
      roles: ['admin'],
      expiresAt: Math.floor(Date.now() / 1000) + 3600,
    });
    const login = await requestJson(api('/api/auth/wechat/login'), { body: { code: 'cluster:shipping-buyer' } });
    expect(login.status).toBe(200);
    buyerToken = login.body.accessToken;
  }, 180000);
  afterAll(async () => {
    await nats?.close();
    await cluster?.stop();
    await relay.stop();
  }, 60000);

  it('refuses bad ship input with 400 and changes nothing; an order not paid with WeChat Pay ships with wechatSync not_required', async () => {
    const order = await paidOrder();
    for (const body of [
      {},
      { logisticsType: 'express', carrier: '顺丰速运' },
      { logisticsType: 'drone', carrier: 'SF', trackingNo: 'SF1' },
      { carrier: 'x'.repeat(33), trackingNo: 'SF1' },
      { logisticsType: 'virtual', trackingNo: 12 },
      { logisticsType: 'virtual', note: 'unknown field' },
    ]) {
      const reply = await staff(`/${order.id}/ship`, body);
      expect([JSON.stringify(body), reply.status, reply.body.code]).toEqual([JSON.stringify(body), 400, 'VALIDATION_FAILED']);
    }
    expect((await staff(`/${order.id}`)).body).toMatchObject({ status: 'paid', shipment: null });
    expect(await orders('SELECT order_id FROM shipping_uploads WHERE order_id = ?', [order.id])).toEqual([]);

    const cash = await paidOrder();
    await orders('UPDATE orders SET transaction_id = NULL, prepay_id = NULL WHERE id = ?', [cash.id]);
    const shipped = await staff(`/${cash.id}/ship`, { logisticsType: 'self_pickup' });
    expect(shipped.status).toBe(200);
    expect(shipped.body.shipment).toEqual({ logisticsType: 'self_pickup', carrier: null, trackingNo: null, wechatSync: 'not_required' });
    expect(await orders('SELECT order_id FROM shipping_uploads WHERE order_id = ?', [cash.id])).toEqual([]);
  }, 120000);

  it('uploads all four logistics types, each accepted once by the sandbox’s field checks', async () => {
    const before = await uploadCounts();
    const shipments = [
      { logisticsType: 'express', carrier: '顺丰速运', trackingNo: 'SF1234567890' },
      { logisticsType: 'same_city' },
      { logisticsType: 'virtual' },
      { logisticsType: 'self_pickup' },
    ];
    const shipped: { id: string; transactionId: string }[] = [];
    for (const body of shipments) {
      const order = await paidOrder();
      const reply = await staff(`/${order.id}/ship`, body);
      expect(reply.status).toBe(200);
      expect(reply.body.shipment).toMatchObject({ logisticsType: body.logisticsType, wechatSync: expect.stringMatching(/^(pending|synced)$/) });
      shipped.push(order);
    }
    for (const order of shipped) await eventually(async () => (await wechatSyncOf(order.id)) === 'synced');
    const held = await Promise.all(shipped.map((order) => heldByWechat(order.transactionId)));
    expect(held.map((order) => [order.order_state, order.shipping.logistics_type, order.shipping.finish_shipping_count])).toEqual([
      [2, 1, 1],
      [2, 2, 1],
      [2, 3, 1],
      [2, 4, 1],
    ]);
    expect(held[0].shipping.shipping_list[0]).toMatchObject({ tracking_no: 'SF1234567890', express_company: 'SF', item_desc: '西湖龙井 250g*2' });
    const after = await uploadCounts();
    expect((after.ok ?? 0) - (before.ok ?? 0)).toBe(4);
    expect(after.reship ?? 0).toBe(before.reship ?? 0);
  }, 180000);

  it('uploads an order paid without a recorded transaction_id by mchid + out_trade_no', async () => {
    const order = await paidOrder();
    await orders('UPDATE orders SET transaction_id = NULL WHERE id = ?', [order.id]);
    expect((await staff(`/${order.id}/ship`, { logisticsType: 'self_pickup' })).body.shipment.wechatSync).toMatch(/^(pending|synced)$/);
    await eventually(async () => (await wechatSyncOf(order.id)) === 'synced');
    expect((await heldByWechat(order.transactionId)).shipping).toMatchObject({ logistics_type: 4, finish_shipping_count: 1 });
  }, 120000);

  it('retries through 3 failed uploads with backoff and is synced with exactly one accepted upload', async () => {
    const order = await paidOrder();
    const before = await uploadCounts();
    const retriesBefore = await metricSum('wechat_shipping_uploads_total', 'result="retry"');
    expect((await sandbox('/sandbox/shipping/fail-next', { count: 3, errcode: -1 })).status).toBe(200);
    const shipped = await staff(`/${order.id}/ship`, { carrier: '中通快递', trackingNo: 'ZT778899' });
    expect(shipped.body.shipment.wechatSync).toBe('pending');
    await eventually(async () => (await wechatSyncOf(order.id)) === 'synced', 60000);
    const after = await uploadCounts();
    expect((after['-1'] ?? 0) - (before['-1'] ?? 0)).toBe(3);
    expect((after.ok ?? 0) - (before.ok ?? 0)).toBe(1);
    expect(after.reship ?? 0).toBe(before.reship ?? 0);
    expect((await heldByWechat(order.transactionId)).shipping).toMatchObject({ finish_shipping_count: 1, shipping_list: [{ express_company: 'ZTO' }] });
    const [row] = await orders<{ attempts: number; state: string }>('SELECT attempts, state FROM shipping_uploads WHERE order_id = ?', [order.id]);
    expect(row).toEqual({ attempts: 4, state: 'synced' });
    expect((await metricSum('wechat_shipping_uploads_total', 'result="retry"')) - retriesBefore).toBe(3);
  }, 120000);

  it('gives up at once on a permanent refusal: wechatSync failed, counted, and in the failed gauge', async () => {
    const order = await paidOrder();
    const failedBefore = await metricSum('wechat_shipping_uploads_total', 'result="failed"');
    expect((await sandbox('/sandbox/shipping/fail-next', { count: 1, errcode: 10060031 })).status).toBe(200);
    await staff(`/${order.id}/ship`, { logisticsType: 'same_city' });
    await eventually(async () => (await wechatSyncOf(order.id)) === 'failed');
    const [row] = await orders<{ attempts: number; last_error: string }>('SELECT attempts, last_error FROM shipping_uploads WHERE order_id = ?', [order.id]);
    expect(row).toEqual({ attempts: 1, last_error: expect.stringContaining('errcode 10060031') });
    expect((await metricSum('wechat_shipping_uploads_total', 'result="failed"')) - failedBefore).toBe(1);
    // Every replica reads the gauge from the database every 15 s.
    await eventually(async () => (await metricSum('wechat_shipping_uploads{', 'state="failed"')) >= ordersReplicas().length, 40000);
    expect((await heldByWechat(order.transactionId)).order_state).toBe(1);
    // Staff find it by its state (the console's dashboard counts these); a state that does not exist is a 400.
    const listed = async (state: string) => ((await staff(`?wechatSync=${state}&limit=100`)).body.items as { id: string }[]).map((item) => item.id);
    expect(await listed('failed')).toContain(order.id);
    expect(await listed('synced')).not.toContain(order.id);
    expect((await staff('?wechatSync=lost')).body).toMatchObject({ code: 'VALIDATION_FAILED', details: [expect.objectContaining({ field: 'wechatSync' })] });
  }, 120000);

  it('completes the order once when the user confirms receipt, however many times the settlement event arrives', async () => {
    const order = await paidOrder();
    await staff(`/${order.id}/ship`, { logisticsType: 'virtual' });
    await eventually(async () => (await wechatSyncOf(order.id)) === 'synced');
    // The sandbox pushes the event to auth's receiver through HAProxy (signed, encrypted); auth publishes it on the bus.
    const confirmed = await sandbox(`/sandbox/shipping/confirm/${order.transactionId}`, {});
    expect(confirmed.status).toBe(200);
    const event = confirmed.body.event as Record<string, unknown>;
    expect(event).toMatchObject({ Event: 'trade_manage_order_settlement', transaction_id: order.transactionId, confirm_receive_method: 1 });
    await eventually(async () => (await staff(`/${order.id}`)).body.status === 'completed');
    // Two more deliveries of the same event (the receiver drops WeChat's own repeats, so they are sent on the bus here).
    const settlement = WECHAT_PUSH_EVENTS.orderSettlement;
    for (let delivery = 0; delivery < 2; delivery++) nats.publish(settlement, JSON.stringify({ pattern: settlement, data: event }));
    await nats.flush();
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const history = (await staff(`/${order.id}`)).body.history as { to: string; actor: { kind: string; id: string }; reason: string }[];
    expect(history.filter((line) => line.to === 'completed')).toEqual([
      expect.objectContaining({ actor: { kind: 'wechat', id: order.transactionId }, reason: 'wechat_receipt_confirmed:user' }),
    ]);
  }, 120000);

  it('a replica SIGKILLed after WeChat accepted the upload but before it heard so: another replica finds it in WeChat, synced, one upload', async () => {
    const order = await paidOrder();
    await cluster.scaleIn('orders-2');
    const [survivor] = ordersReplicas();
    const before = await uploadCounts();
    const heldBefore = await sandboxCount('shipping_faults', 'held');
    expect((await sandbox('/sandbox/shipping/fail-next', { count: 1, holdMs: 20000 })).status).toBe(200);
    expect((await staff(`/${order.id}/ship`, { carrier: 'YTO', trackingNo: 'YT5566' })).status).toBe(200);
    await eventually(async () => (await sandboxCount('shipping_faults', 'held')) > heldBefore);
    survivor.process.signal('SIGKILL');
    await survivor.process.exited;
    expect((await heldByWechat(order.transactionId)).order_state).toBe(2);
    expect(await orders('SELECT state, attempts FROM shipping_uploads WHERE order_id = ?', [order.id])).toEqual([{ state: 'pending', attempts: 1 }]);

    await cluster.scaleOut('orders');
    await eventually(async () => (await wechatSyncOf(order.id)) === 'synced', 60000);
    expect(await orders('SELECT state, attempts FROM shipping_uploads WHERE order_id = ?', [order.id])).toEqual([{ state: 'synced', attempts: 2 }]);
    expect(await metricSum('wechat_shipping_uploads_total', 'result="already_uploaded"')).toBe(1);
    // The held answer is counted when it is finally sent (to nobody); no second upload reached WeChat.
    await eventually(async () => ((await uploadCounts()).ok ?? 0) - (before.ok ?? 0) === 1);
    expect((await uploadCounts()).reship ?? 0).toBe(before.reship ?? 0);
    expect((await heldByWechat(order.transactionId)).shipping.finish_shipping_count).toBe(1);
  }, 180000);

  it('a replica SIGKILLed between ship and upload (WeChat has not taken it): the replica that takes over uploads it, once', async () => {
    const order = await paidOrder();
    const replicas = ordersReplicas();
    const before = await uploadCounts();
    const heldBefore = await sandboxCount('shipping_faults', 'held');
    // The next upload is held 15 s, then refused and not recorded: whichever replica sends it dies waiting.
    expect((await sandbox('/sandbox/shipping/fail-next', { count: 1, errcode: -1, holdMs: 15000 })).status).toBe(200);
    expect((await staff(`/${order.id}/ship`, { carrier: 'ZTO', trackingNo: 'ZT7788' })).status).toBe(200);
    await eventually(async () => (await sandboxCount('shipping_faults', 'held')) > heldBefore);
    // Every orders replica is killed (the one sending it and any other).
    for (const replica of replicas) replica.process.signal('SIGKILL');
    await Promise.all(replicas.map((replica) => replica.process.exited));
    expect((await heldByWechat(order.transactionId)).order_state).toBe(1);
    expect(await orders('SELECT state FROM shipping_uploads WHERE order_id = ?', [order.id])).toEqual([{ state: 'pending' }]);

    await cluster.scaleOut('orders');
    await eventually(async () => (await wechatSyncOf(order.id)) === 'synced', 60000);
    expect(await orders('SELECT state, attempts FROM shipping_uploads WHERE order_id = ?', [order.id])).toEqual([{ state: 'synced', attempts: 2 }]);
    expect(((await uploadCounts()).ok ?? 0) - (before.ok ?? 0)).toBe(1);
    expect((await uploadCounts()).reship ?? 0).toBe(before.reship ?? 0);
    expect((await heldByWechat(order.transactionId)).shipping.finish_shipping_count).toBe(1);
  }, 180000);
});
