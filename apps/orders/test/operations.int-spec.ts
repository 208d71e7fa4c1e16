import { requestJson } from '#libs/testing';
import { orderBody, OrdersHarness, paidTransaction, signedNotification, startOrdersHarness } from './orders-test-harness';

/** The lines of /metrics once `predicate` holds for one of them. */
async function metricsWhen(url: string, predicate: (line: string) => boolean): Promise<string[]> {
  let lines: string[] = [];
  for (let attempt = 0; attempt < 20 && !lines.some(predicate); attempt++) {
    lines = String((await requestJson(`${url}/metrics`)).body).split('\n');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return lines;
}

describe('orders operations: health, metrics, configuration (real orders service)', () => {
  let h: OrdersHarness;
  beforeAll(async () => {
    h = await startOrdersHarness();
  }, 60000);
  afterAll(() => h?.close());

  it('is ready with MySQL, Redis and NATS up', async () => {
    const ready = await requestJson(`${h.url}/health/ready`);
    expect(ready.status).toBe(200);
    expect(ready.body).toMatchObject({ status: 'ok', info: { mysql: { status: 'up' }, redis: { status: 'up' }, nats: { status: 'up' } } });
  });

  it('counts placements, refusals, cancellations and notifications on /metrics', async () => {
    const user = await h.login('metered');
    const [sku] = await h.seedSkus([{ priceFen: 100, stock: 1 }]);
    const order = (await requestJson(`${h.url}/api/orders`, { token: user.token, body: orderBody([{ skuId: sku, quantity: 1 }]) })).body;
    await requestJson(`${h.url}/api/orders`, { token: user.token, body: orderBody([{ skuId: sku, quantity: 1 }]) });
    const message = signedNotification(h.platform.privateKey, h.platform.serial, paidTransaction(order.orderNo, order.totalFen));
    expect((await requestJson(`${h.url}/api/orders/payments/wechat/notify`, { rawBody: message.body, headers: message.headers })).status).toBe(204);
    await requestJson(`${h.url}/api/orders/payments/wechat/notify`, { rawBody: message.body, headers: { ...message.headers, 'wechatpay-signature': 'AAAA' } });
    await requestJson(`${h.url}/api/orders/admin/${order.id}/refund`, { method: 'POST', token: h.staffToken, body: {} });

    const lines = await metricsWhen(h.url, (line) => line.startsWith('orders_cancelled_total{'));
    const value = (prefix: string) =>
      Number(
        lines
          .find((line) => line.startsWith(prefix))
          ?.split(' ')
          .pop(),
      );
    expect(value('orders_placed_total')).toBe(1);
    expect(value('order_placements_refused_total{code="INSUFFICIENT_STOCK"')).toBe(1);
    expect(value('payment_notifications_total{outcome="paid"')).toBe(1);
    expect(value('payment_notifications_total{outcome="refused_signature"')).toBe(1);
    expect(value('orders_cancelled_total{reason="refunded_by_staff"')).toBe(1);
    expect(lines.some((line) => line.startsWith('http_request_duration_seconds_bucket{') && line.includes('route="/api/orders/payments/wechat/notify"'))).toBe(
      true,
    );
  });

  it('answers 503 PAYMENT_UNAVAILABLE to POST /pay when WeChat Pay is not configured, and keeps everything else working', async () => {
    const replica = await h.startReplica({ WECHATPAY_MCH_ID: '' });
    const user = await h.login('no-pay');
    const [sku] = await h.seedSkus([{ priceFen: 100, stock: 5 }]);
    const order = await requestJson(`${replica.url}/api/orders`, { token: user.token, body: orderBody([{ skuId: sku, quantity: 1 }]) });
    expect(order.status).toBe(201);
    const pay = await requestJson(`${replica.url}/api/orders/${order.body.id}/pay`, { method: 'POST', token: user.token });
    expect([pay.status, pay.body.code]).toEqual([503, 'PAYMENT_UNAVAILABLE']);
  });
});
