import { execFileSync } from 'node:child_process';
import { generateKeyPairSync, sign, verify, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requestJson } from '#libs/testing';
import { OrderLifecycleService } from '../src/services/order-lifecycle.service';
import { eventually, orderBody, OrdersHarness, paidTransaction, signedNotification, startOrdersHarness, TEST_MERCHANT, TestUser } from './orders-test-harness';

const NOTIFY = '/api/orders/payments/wechat/notify';

describe('WeChat Pay: prepay, notifications, refunds (real orders, catalog, auth, WeChat Pay sandbox)', () => {
  let h: OrdersHarness;
  let alice: TestUser;
  let sku: string;

  const placeOrder = async (user = alice, quantity = 1) => {
    const reply = await requestJson(`${h.url}/api/orders`, { token: user.token, body: orderBody([{ skuId: sku, quantity }]) });
    expect(reply.status).toBe(201);
    return reply.body as { id: string; orderNo: string; totalFen: number };
  };
  const prepay = (orderId: string, user = alice, key?: string) =>
    requestJson(`${h.url}/api/orders/${orderId}/pay`, { method: 'POST', token: user.token, headers: key ? { 'idempotency-key': key } : {} });
  const sandboxPay = async (prepayPackage: string) => {
    const response = await fetch(`${h.paySandbox.url}/sandbox/pay/${prepayPackage.replace('prepay_id=', '')}`, { method: 'POST' });
    return response.json() as Promise<{ out_trade_no: string; transaction_id: string; notified: boolean }>;
  };
  const orderRow = async (id: string) => (await h.query<Record<string, unknown>>('SELECT * FROM orders WHERE id = ?', [id]))[0];
  const notify = (message: { body: string; headers: Record<string, string> }, url = h.url) =>
    requestJson(`${url}${NOTIFY}`, { rawBody: message.body, headers: message.headers });
  const sandboxStats = async () => (await requestJson(`${h.paySandbox.url}/sandbox/stats`)).body;

  beforeAll(async () => {
    h = await startOrdersHarness();
    alice = await h.login('payer-alice');
    [sku] = await h.seedSkus([{ priceFen: 2590, stock: 1000 }], { title: 'Oolong' });
  }, 60000);
  afterAll(() => h?.close());
  beforeEach(() => {
    h.relay.copies = 1;
    h.relay.target = h.url;
  });

  it('answers POST /pay with wx.requestPayment parameters signed by the merchant key, after a signed JSAPI prepay', async () => {
    const order = await placeOrder();
    const reply = await prepay(order.id);
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({
      timeStamp: expect.stringMatching(/^\d{10}$/),
      nonceStr: expect.stringMatching(/^\w{32}$/),
      package: expect.stringMatching(/^prepay_id=wx\d{14}[0-9a-f]{20}$/),
      signType: 'RSA',
      paySign: expect.any(String),
    });
    const message = `${TEST_MERCHANT.appId}\n${reply.body.timeStamp}\n${reply.body.nonceStr}\n${reply.body.package}\n`;
    expect(verify('sha256', Buffer.from(message), h.merchantPublicKey, Buffer.from(reply.body.paySign, 'base64'))).toBe(true);
    // Asking again reuses the prepay_id instead of opening another WeChat Pay order.
    const again = await prepay(order.id);
    expect(again.body.package).toBe(reply.body.package);
    expect((await sandboxStats()).pay_jsapi).toEqual({ ok: 1 });
    expect((await orderRow(order.id)).prepay_id).toBe(reply.body.package.replace('prepay_id=', ''));
  });

  it('repeats the first parameters for a repeated Idempotency-Key', async () => {
    const order = await placeOrder();
    const [one, two] = await Promise.all([prepay(order.id, alice, 'pay-key-1'), prepay(order.id, alice, 'pay-key-1')]);
    expect(one.status).toBe(200);
    expect(two.body).toEqual(one.body);
  });

  it('marks the order paid once when the sandbox pays and the notification is delivered three times at once', async () => {
    const order = await placeOrder();
    const params = (await prepay(order.id)).body;
    h.relay.copies = 3;
    const started = Date.now();
    const paid = await sandboxPay(params.package);
    expect(paid.notified).toBe(true);
    expect(Date.now() - started).toBeLessThan(5000);
    const delivery = h.relay.received.at(-1)!;
    expect(delivery.statuses).toEqual([204, 204, 204]);

    const detail = await requestJson(`${h.url}/api/orders/${order.id}`, { token: alice.token });
    expect(detail.body).toMatchObject({ status: 'paid', paidAt: expect.any(String) });
    const row = await orderRow(order.id);
    expect(row).toMatchObject({ transaction_id: paid.transaction_id, paid_fen: order.totalFen });
    const events = await h.query('SELECT to_status, actor_kind, actor_id FROM order_events WHERE order_id = ? AND to_status = ?', [order.id, 'paid']);
    expect(events).toEqual([{ to_status: 'paid', actor_kind: 'wechat', actor_id: paid.transaction_id }]);
    const [log] = await h.query<{ deliveries: number; outcome: string }>('SELECT deliveries, outcome FROM payment_notifications WHERE order_id = ?', [
      order.id,
    ]);
    expect(Number(log.deliveries)).toBe(3);
    await eventually(async () => (await orderRow(order.id)).stock_state === 'confirmed');

    // A fourth delivery later, and a replay of the same bytes: acknowledged, nothing changes.
    expect(await h.relay.replay(delivery)).toBe(204);
    expect((await orderRow(order.id)).version).toBe(row.version);
    expect((await prepay(order.id)).body.code).toBe('ORDER_STATE_CONFLICT');
  });

  it('refuses forged, tampered, stale and unknown-key notifications: 401, order unchanged', async () => {
    const order = await placeOrder();
    const resource = paidTransaction(order.orderNo, order.totalFen);
    const forger = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    const genuine = signedNotification(h.platform.privateKey, h.platform.serial, resource);
    const cases = [
      signedNotification(forger, h.platform.serial, resource),
      { body: genuine.body.replace('"summary":"test"', '"summary":"tset"'), headers: genuine.headers },
      { body: genuine.body, headers: { ...genuine.headers, 'wechatpay-signature': 'AAAA' } },
      { body: genuine.body, headers: { ...genuine.headers, 'wechatpay-timestamp': String(Number(genuine.headers['wechatpay-timestamp']) + 1) } },
      signedNotification(h.platform.privateKey, h.platform.serial, resource, { timestamp: Math.floor(Date.now() / 1000) - 301 }),
      signedNotification(h.platform.privateKey, h.platform.serial, resource, { timestamp: Math.floor(Date.now() / 1000) + 400 }),
      signedNotification(h.platform.privateKey, 'PUB_KEY_ID_SOMEONE_ELSE', resource),
      { body: genuine.body, headers: { 'content-type': 'application/json' } },
    ];
    for (const message of cases) {
      const reply = await notify(message);
      expect(reply.status).toBe(401);
      expect(reply.body).toMatchObject({ code: 'PAYMENT_SIGNATURE_INVALID', requestId: expect.any(String) });
      expect(JSON.stringify(reply.body)).not.toMatch(/serial|timestamp|PUB_KEY/i);
    }
    expect(await orderRow(order.id)).toMatchObject({ status: 'pending_payment', transaction_id: null, version: 0 });
    expect(await h.query('SELECT id FROM payment_notifications WHERE order_id = ?', [order.id])).toEqual([]);
  });

  it('keeps the raw body of the notify route only, up to 64 KiB there', async () => {
    const genuine = signedNotification(h.platform.privateKey, h.platform.serial, paidTransaction('20990101000000000123456', 100));
    const padding = 'x'.repeat(65 * 1024);
    expect((await notify({ body: JSON.stringify({ ...JSON.parse(genuine.body), padding }), headers: genuine.headers })).status).toBe(413);
    // Another route reads as large a body up to the service's limit, into validation.
    const order = await requestJson(`${h.url}/api/orders`, {
      token: alice.token,
      rawBody: JSON.stringify({ items: [], padding }),
      headers: { 'content-type': 'application/json' },
    });
    expect(order.status).toBe(400);
  });

  it('refuses correctly signed notifications that do not decrypt or do not match the order: 400, order unchanged', async () => {
    const order = await placeOrder();
    const cases = [
      signedNotification(h.platform.privateKey, h.platform.serial, paidTransaction(order.orderNo, order.totalFen), {
        apiV3Key: 'another-apiv3-key-0123456789abcd',
      }),
      signedNotification(h.platform.privateKey, h.platform.serial, paidTransaction(order.orderNo, order.totalFen - 1)),
      signedNotification(h.platform.privateKey, h.platform.serial, paidTransaction(order.orderNo, order.totalFen, { mchid: '1900000002' })),
      signedNotification(h.platform.privateKey, h.platform.serial, paidTransaction(order.orderNo, order.totalFen, { appid: 'wx-other' })),
      signedNotification(h.platform.privateKey, h.platform.serial, paidTransaction('20990101000000000123456', order.totalFen)),
    ];
    for (const message of cases) {
      const reply = await notify(message);
      expect(reply.status).toBe(400);
      expect(reply.body.code).toBe('PAYMENT_NOTIFICATION_INVALID');
    }
    const tampered = signedNotification(h.platform.privateKey, h.platform.serial, paidTransaction(order.orderNo, order.totalFen));
    const parsed = JSON.parse(tampered.body);
    const bytes = Buffer.from(parsed.resource.ciphertext, 'base64');
    bytes[5] ^= 0xff;
    parsed.resource.ciphertext = bytes.toString('base64');
    // The tampered envelope is signed again with the real key: only the AEAD tag can catch this one.
    const body = JSON.stringify(parsed);
    const [ts, nonce] = [tampered.headers['wechatpay-timestamp'], tampered.headers['wechatpay-nonce']];
    const signature = sign('sha256', Buffer.from(`${ts}\n${nonce}\n${body}\n`), h.platform.privateKey).toString('base64');
    expect((await notify({ body, headers: { ...tampered.headers, 'wechatpay-signature': signature } })).body.code).toBe('PAYMENT_NOTIFICATION_INVALID');
    expect(await orderRow(order.id)).toMatchObject({ status: 'pending_payment', transaction_id: null, version: 0 });
  });

  it('accepts notifications signed with a platform certificate chosen by its serial number', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wxplatform-'));
    writeFileSync(join(dir, 'platform.pem'), h.platform.privateKey.export({ type: 'pkcs8', format: 'pem' }));
    execFileSync(
      'openssl',
      ['req', '-x509', '-key', join(dir, 'platform.pem'), '-out', join(dir, 'cert.pem'), '-subj', '/CN=Tenpay.com Root CA', '-days', '2'],
      { stdio: 'ignore' },
    );
    const certificate = readFileSync(join(dir, 'cert.pem'), 'utf8');
    const serial = new X509Certificate(certificate).serialNumber;
    const replica = await h.startReplica({ WECHATPAY_PLATFORM_CERTIFICATES: certificate });
    const order = await placeOrder();
    const viaCertificate = signedNotification(h.platform.privateKey, serial, paidTransaction(order.orderNo, order.totalFen));
    expect((await notify(viaCertificate, replica.url)).status).toBe(204);
    expect((await orderRow(order.id)).status).toBe('paid');
    // The replica without the certificate does not know that serial.
    const other = await placeOrder();
    expect((await notify(signedNotification(h.platform.privateKey, serial, paidTransaction(other.orderNo, other.totalFen)))).status).toBe(401);
  });

  it('answers notifications without a token and without throttling', async () => {
    const replica = await h.startReplica({ THROTTLE_LIMIT: '2' });
    const order = await placeOrder();
    const message = signedNotification(h.platform.privateKey, h.platform.serial, paidTransaction(order.orderNo, order.totalFen));
    for (let i = 0; i < 5; i++) expect((await notify(message, replica.url)).status).toBe(204);
  });

  it('refunds a paid order its owner cancels, releases its stock, and records the refund when WeChat Pay reports it', async () => {
    const before = await h.stockOf(sku);
    const order = await placeOrder(alice, 2);
    await sandboxPay((await prepay(order.id)).body.package);
    await eventually(async () => (await orderRow(order.id)).stock_state === 'confirmed');
    expect(await h.stockOf(sku)).toBe(before - 2);

    const cancelled = await requestJson(`${h.url}/api/orders/${order.id}/cancel`, { method: 'POST', token: alice.token });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ status: 'cancelled', refund: { status: expect.stringMatching(/processing|succeeded/), amountFen: order.totalFen } });
    expect(await h.stockOf(sku)).toBe(before);
    await eventually(async () => (await orderRow(order.id)).refund_status === 'succeeded');
    const view = await requestJson(`${h.url}/api/orders/${order.id}`, { token: alice.token });
    expect(view.body.refund).toEqual({ status: 'succeeded', amountFen: order.totalFen, refundedAt: expect.any(String) });
    expect((await sandboxStats()).pay_refund).toMatchObject({ ok: 1 });
  });

  it('lets staff refund a paid order, and refuses to refund an unpaid or already refunded one', async () => {
    const unpaid = await placeOrder();
    const refundUnpaid = await requestJson(`${h.url}/api/orders/admin/${unpaid.id}/refund`, { method: 'POST', token: h.staffToken, body: {} });
    expect(refundUnpaid.body.code).toBe('ORDER_STATE_CONFLICT');
    const order = await placeOrder();
    await sandboxPay((await prepay(order.id)).body.package);
    const refunded = await requestJson(`${h.url}/api/orders/admin/${order.id}/refund`, {
      method: 'POST',
      token: h.staffToken,
      body: { reason: 'out of season' },
    });
    expect(refunded.status).toBe(200);
    expect(refunded.body).toMatchObject({ status: 'cancelled', cancelReason: 'refunded_by_staff', refund: { amountFen: order.totalFen } });
    await eventually(async () => (await orderRow(order.id)).refund_status === 'succeeded');
    expect((await requestJson(`${h.url}/api/orders/admin/${order.id}/refund`, { method: 'POST', token: h.staffToken, body: {} })).body.code).toBe(
      'ORDER_STATE_CONFLICT',
    );
  });

  it('refunds a payment that arrives after the order was cancelled', async () => {
    const order = await placeOrder();
    const params = (await prepay(order.id)).body;
    await requestJson(`${h.url}/api/orders/${order.id}/cancel`, { method: 'POST', token: alice.token });
    const paid = await sandboxPay(params.package);
    expect(paid.notified).toBe(true);
    await eventually(async () => (await orderRow(order.id)).refund_status === 'succeeded');
    expect(await orderRow(order.id)).toMatchObject({ status: 'cancelled', transaction_id: paid.transaction_id });
  });

  it('marks an order paid when the notification was lost, by asking WeChat Pay before expiring it', async () => {
    const order = await placeOrder();
    const params = (await prepay(order.id)).body;
    h.relay.target = 'http://127.0.0.1:1';
    const paid = await sandboxPay(params.package);
    expect(paid.notified).toBe(false);
    h.relay.target = h.url;
    await h.query('UPDATE orders SET expires_at = NOW(3) - INTERVAL 1 SECOND WHERE id = ?', [order.id]);
    const lifecycle = h.app.get(OrderLifecycleService);
    expect(await lifecycle.expire(order.id)).toBe('paid');
    expect(await orderRow(order.id)).toMatchObject({ status: 'paid', transaction_id: paid.transaction_id });
  });

  it('answers 503 PAYMENT_UNAVAILABLE while WeChat Pay is down, and 409 for an order that cannot be paid', async () => {
    const order = await placeOrder();
    await requestJson(`${h.paySandbox.url}/sandbox/faults`, { body: { outage: true } });
    try {
      const reply = await prepay(order.id);
      expect(reply.status).toBe(503);
      expect(reply.body.code).toBe('PAYMENT_UNAVAILABLE');
    } finally {
      await requestJson(`${h.paySandbox.url}/sandbox/faults`, { body: { outage: false } });
    }
    await requestJson(`${h.url}/api/orders/${order.id}/cancel`, { method: 'POST', token: alice.token });
    expect((await prepay(order.id)).body.code).toBe('ORDER_STATE_CONFLICT');
  });
});
