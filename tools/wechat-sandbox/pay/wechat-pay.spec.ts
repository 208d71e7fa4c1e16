import { KeyObject, createDecipheriv, createPublicKey, generateKeyPairSync, randomBytes, sign, verify } from 'node:crypto';
import { IncomingHttpHeaders, Server, createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { WechatSandbox, createWechatSandbox } from '../wechat-sandbox.server';

const APP_ID = 'wx-test-app';
const MCH_ID = '1900000001';
const MERCHANT_SERIAL = '5157F09EFDC096DE15EBE81A47057A7232F1B8E1';
const API_V3_KEY = 'sandbox-apiv3-key-0123456789abcd';
const merchantKeys = generateKeyPairSync('rsa', { modulusLength: 2048 });

/** A decoded JSON answer; its shape is what the assertions check. */
type Json = any;

interface PayAnswer {
  status: number;
  text: string;
  json: Json;
  headers: Headers;
}

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

/** Plays the backend's notify_url: records every request, answers statuses from `statuses` then 204. */
class NotifyReceiver {
  readonly received: Received[] = [];
  statuses: number[] = [];
  private readonly server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      this.received.push({ headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
      response.writeHead(this.statuses.shift() ?? 204).end();
    });
  });
  url = '';

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  stop(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** The merchant's side of WeChat Pay v3 request signing, as the backend does it. */
function authorization(method: string, target: string, body: string, key: KeyObject = merchantKeys.privateKey) {
  const timestamp = Math.floor(Date.now() / 1000);
  const nonce = randomBytes(16).toString('hex');
  const signature = sign('sha256', Buffer.from(`${method}\n${target}\n${timestamp}\n${nonce}\n${body}\n`), key);
  return (
    `WECHATPAY2-SHA256-RSA2048 mchid="${MCH_ID}",nonce_str="${nonce}",` +
    `signature="${signature.toString('base64')}",timestamp="${timestamp}",serial_no="${MERCHANT_SERIAL}"`
  );
}

function verifiesWithPlatformKey(publicKey: KeyObject, headers: Record<string, string>, body: string): boolean {
  const message = `${headers['wechatpay-timestamp']}\n${headers['wechatpay-nonce']}\n${body}\n`;
  return verify('sha256', Buffer.from(message), publicKey, Buffer.from(headers['wechatpay-signature'], 'base64'));
}

/** The backend's side of AEAD_AES_256_GCM: decrypts a notification's resource. */
function decryptResource(resource: { ciphertext: string; nonce: string; associated_data: string }): Json {
  const data = Buffer.from(resource.ciphertext, 'base64');
  const decipher = createDecipheriv('aes-256-gcm', Buffer.from(API_V3_KEY), Buffer.from(resource.nonce));
  decipher.setAAD(Buffer.from(resource.associated_data));
  decipher.setAuthTag(data.subarray(data.length - 16));
  const plain = Buffer.concat([decipher.update(data.subarray(0, data.length - 16)), decipher.final()]);
  return JSON.parse(plain.toString('utf8'));
}

async function waitFor(condition: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('WeChat Pay v3 sandbox', () => {
  const receiver = new NotifyReceiver();
  let sandbox: WechatSandbox;
  let platformKey: KeyObject;
  let platformSerial: string;
  let orderCount = 0;

  beforeAll(async () => {
    await receiver.start();
    sandbox = createWechatSandbox({
      appId: APP_ID,
      appSecret: 'test-secret',
      pay: {
        mchId: MCH_ID,
        merchantPublicKey: merchantKeys.publicKey,
        merchantSerialNo: MERCHANT_SERIAL,
        apiV3Key: API_V3_KEY,
        notifyRetryDelaysMs: [50, 50],
        notifyTimeoutMs: 1000,
      },
    });
    await sandbox.listen(0);
    const response = await fetch(`${sandbox.url}/sandbox/platform-public-key`);
    platformKey = createPublicKey(await response.text());
    platformSerial = response.headers.get('wechatpay-serial') ?? '';
  });
  afterAll(async () => {
    await sandbox.close();
    await receiver.stop();
  });
  beforeEach(async () => {
    await fetch(`${sandbox.url}/sandbox/reset`, { method: 'POST' });
    receiver.received.length = 0;
    receiver.statuses = [];
  });

  async function call(method: string, target: string, payload?: unknown, auth?: string): Promise<PayAnswer> {
    const body = payload === undefined ? '' : typeof payload === 'string' ? payload : JSON.stringify(payload);
    const headers: Record<string, string> = { accept: 'application/json', 'content-type': 'application/json' };
    headers.authorization = auth ?? authorization(method, target, body);
    const response = await fetch(`${sandbox.url}${target}`, { method, headers, body: body || undefined });
    const text = await response.text();
    const json = response.headers.get('content-type')?.startsWith('application/json') ? JSON.parse(text) : undefined;
    return { status: response.status, text, json, headers: response.headers };
  }

  function orderBody(overrides: Record<string, unknown> = {}) {
    orderCount += 1;
    return {
      appid: APP_ID,
      mchid: MCH_ID,
      description: 'Sandbox tea',
      out_trade_no: `ORDER${Date.now()}${orderCount}`,
      notify_url: `${receiver.url}/pay/notify`,
      attach: 'cart-7',
      amount: { total: 100, currency: 'CNY' },
      payer: { openid: 'oalice' },
      ...overrides,
    };
  }

  async function placeOrder(overrides: Record<string, unknown> = {}) {
    const body = orderBody(overrides);
    const answer = await call('POST', '/v3/pay/transactions/jsapi', body);
    return { body, prepayId: answer.json.prepay_id as string };
  }

  function stats(): Promise<Json> {
    return fetch(`${sandbox.url}/sandbox/stats`).then((response) => response.json());
  }

  function payOrder(prepayId: string): Promise<Json> {
    return fetch(`${sandbox.url}/sandbox/pay/${prepayId}`, { method: 'POST' }).then((response) => response.json());
  }

  function signedBy(answer: PayAnswer): boolean {
    return verifiesWithPlatformKey(platformKey, Object.fromEntries(answer.headers), answer.text);
  }

  describe('POST /v3/pay/transactions/jsapi', () => {
    it('answers a prepay_id to a signed order, in a response signed with the platform key', async () => {
      const answer = await call('POST', '/v3/pay/transactions/jsapi', orderBody());
      expect(answer.status).toBe(200);
      expect(answer.json).toEqual({ prepay_id: expect.stringMatching(/^wx\d{14}[0-9a-f]{20}$/) });
      expect(answer.headers.get('wechatpay-serial')).toBe(platformSerial);
      expect(signedBy(answer)).toBe(true);
    });

    it('refuses requests that are not signed by the merchant with 401 SIGN_ERROR', async () => {
      const body = JSON.stringify(orderBody());
      const path = '/v3/pay/transactions/jsapi';
      const otherKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
      const stale = authorization('POST', path, body).replace(/timestamp="\d+"/, 'timestamp="1600000000"');
      const cases = [
        await call('POST', path, body, 'Bearer x'),
        await call('POST', path, body, authorization('POST', path, body, otherKey)),
        await call('POST', path, body, authorization('POST', path, `${body} `)),
        await call('POST', path, body, authorization('POST', path, body).replace(MERCHANT_SERIAL, 'OTHER')),
        await call('POST', path, body, authorization('POST', path, body).replace(`mchid="${MCH_ID}"`, 'mchid="1"')),
        await call('POST', path, body, stale),
      ];
      for (const answer of cases) {
        expect(answer.status).toBe(401);
        expect(answer.json).toEqual({ code: 'SIGN_ERROR', message: expect.any(String) });
      }
      expect((await stats()).pay_jsapi).toEqual({ SIGN_ERROR: 6 });
    });

    it('answers 400 PARAM_ERROR naming a bad field, and checks appid and mchid', async () => {
      const noTotal = await call('POST', '/v3/pay/transactions/jsapi', orderBody({ amount: { currency: 'CNY' } }));
      expect(noTotal.status).toBe(400);
      expect(noTotal.json).toMatchObject({ code: 'PARAM_ERROR', detail: { field: 'amount.total' } });
      const otherApp = await call('POST', '/v3/pay/transactions/jsapi', orderBody({ appid: 'wx-other' }));
      expect(otherApp.json.code).toBe('APPID_MCHID_NOT_MATCH');
      const otherMch = await call('POST', '/v3/pay/transactions/jsapi', orderBody({ mchid: '1' }));
      expect(otherMch.json.code).toBe('MCH_NOT_EXISTS');
    });

    it('answers the same prepay_id to the same order, and OUT_TRADE_NO_USED to a different one', async () => {
      const { body, prepayId } = await placeOrder();
      expect((await call('POST', '/v3/pay/transactions/jsapi', body)).json.prepay_id).toBe(prepayId);
      const changed = await call('POST', '/v3/pay/transactions/jsapi', { ...body, amount: { total: 200 } });
      expect(changed).toMatchObject({ status: 400, json: { code: 'OUT_TRADE_NO_USED' } });
    });
  });

  describe('GET /v3/pay/transactions/out-trade-no/{no}', () => {
    it('shows an unpaid order as NOTPAY, and answers 404 ORDER_NOT_EXIST to an unknown one', async () => {
      const { body } = await placeOrder();
      const answer = await call('GET', `/v3/pay/transactions/out-trade-no/${body.out_trade_no}?mchid=${MCH_ID}`);
      expect(answer.json).toEqual({
        appid: APP_ID,
        mchid: MCH_ID,
        out_trade_no: body.out_trade_no,
        trade_type: 'JSAPI',
        trade_state: 'NOTPAY',
        trade_state_desc: expect.any(String),
        attach: 'cart-7',
        payer: { openid: 'oalice' },
        amount: { total: 100, currency: 'CNY' },
      });
      expect(signedBy(answer)).toBe(true);
      const unknown = await call('GET', `/v3/pay/transactions/out-trade-no/NOPE123?mchid=${MCH_ID}`);
      expect(unknown).toMatchObject({ status: 404, json: { code: 'ORDER_NOT_EXIST' } });
      const noMchid = await call('GET', `/v3/pay/transactions/out-trade-no/${body.out_trade_no}`);
      expect(noMchid).toMatchObject({ status: 400, json: { code: 'PARAM_ERROR' } });
    });
  });

  describe('POST /sandbox/pay/{prepay_id}', () => {
    it('marks the order paid and sends a signed, encrypted TRANSACTION.SUCCESS notification', async () => {
      const { body, prepayId } = await placeOrder();
      const paid = await payOrder(prepayId);
      expect(paid).toEqual({
        out_trade_no: body.out_trade_no,
        transaction_id: expect.stringMatching(/^4200\d{24}$/),
        trade_state: 'SUCCESS',
        notified: true,
      });

      expect(receiver.received).toHaveLength(1);
      const [notification] = receiver.received;
      const headers = notification.headers as Record<string, string>;
      expect(headers['wechatpay-serial']).toBe(platformSerial);
      expect(verifiesWithPlatformKey(platformKey, headers, notification.body)).toBe(true);
      const event = JSON.parse(notification.body);
      expect(event).toEqual({
        id: expect.stringMatching(/^EV-\d+$/),
        create_time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$/),
        resource_type: 'encrypt-resource',
        event_type: 'TRANSACTION.SUCCESS',
        summary: expect.any(String),
        resource: {
          original_type: 'transaction',
          algorithm: 'AEAD_AES_256_GCM',
          ciphertext: expect.any(String),
          associated_data: 'transaction',
          nonce: expect.stringMatching(/^\w{12}$/),
        },
      });
      const transaction = decryptResource(event.resource);
      expect(transaction).toMatchObject({
        appid: APP_ID,
        mchid: MCH_ID,
        out_trade_no: body.out_trade_no,
        transaction_id: paid.transaction_id,
        trade_state: 'SUCCESS',
        attach: 'cart-7',
        payer: { openid: 'oalice' },
        amount: { total: 100, payer_total: 100, currency: 'CNY' },
      });

      const query = await call('GET', `/v3/pay/transactions/out-trade-no/${body.out_trade_no}?mchid=${MCH_ID}`);
      expect(query.json).toMatchObject({ trade_state: 'SUCCESS', transaction_id: paid.transaction_id });
      expect((await fetch(`${sandbox.url}/sandbox/pay/${prepayId}`, { method: 'POST' })).status).toBe(409);
      expect((await call('POST', '/v3/pay/transactions/jsapi', body)).json.code).toBe('ORDERPAID');
    });

    it('retries a notification the backend did not accept, with the same body', async () => {
      receiver.statuses = [500];
      const { prepayId } = await placeOrder();
      const paid = await payOrder(prepayId);
      expect(paid.notified).toBe(false);
      await waitFor(() => receiver.received.length === 2);
      expect(receiver.received[1].body).toBe(receiver.received[0].body);
      expect((await stats()).pay_notify).toEqual({ failed: 1, delivered: 1 });
    });

    it('gives up after the last retry, counting only 200 and 204 as accepted', async () => {
      receiver.statuses = [500, 202, 503];
      const { prepayId } = await placeOrder();
      await payOrder(prepayId);
      await waitFor(() => receiver.received.length === 3);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(receiver.received).toHaveLength(3);
      expect((await stats()).pay_notify).toEqual({ failed: 3, gave_up: 1 });
    });

    it('answers 404 to an unknown prepay_id', async () => {
      expect((await fetch(`${sandbox.url}/sandbox/pay/wx-nope`, { method: 'POST' })).status).toBe(404);
    });
  });

  describe('refunds', () => {
    async function paidOrder() {
      const { body, prepayId } = await placeOrder();
      await payOrder(prepayId);
      receiver.received.length = 0;
      return body;
    }

    function refundBody(outTradeNo: string, refund: number, extra: Record<string, unknown> = {}) {
      return {
        out_trade_no: outTradeNo,
        out_refund_no: `R${outTradeNo}-${refund}`,
        reason: 'changed mind',
        notify_url: `${receiver.url}/pay/refund-notify`,
        amount: { refund, total: 100, currency: 'CNY' },
        ...extra,
      };
    }

    it('refunds part of a paid order, then notifies REFUND.SUCCESS', async () => {
      const order = await paidOrder();
      const answer = await call('POST', '/v3/refund/domestic/refunds', refundBody(order.out_trade_no, 30));
      expect(answer.status).toBe(200);
      expect(signedBy(answer)).toBe(true);
      expect(answer.json).toMatchObject({
        refund_id: expect.stringMatching(/^50\d{30}$/),
        out_refund_no: `R${order.out_trade_no}-30`,
        out_trade_no: order.out_trade_no,
        status: 'PROCESSING',
        amount: { total: 100, refund: 30, currency: 'CNY' },
      });

      await waitFor(() => receiver.received.length === 1);
      const event = JSON.parse(receiver.received[0].body);
      expect(event).toMatchObject({ event_type: 'REFUND.SUCCESS', resource: { associated_data: 'refund' } });
      expect(decryptResource(event.resource)).toMatchObject({
        out_refund_no: `R${order.out_trade_no}-30`,
        refund_status: 'SUCCESS',
        amount: { total: 100, refund: 30 },
      });

      const query = await call('GET', `/v3/refund/domestic/refunds/R${order.out_trade_no}-30`);
      expect(query.json).toMatchObject({ refund_id: answer.json.refund_id, status: 'SUCCESS' });
      const orderQuery = await call('GET', `/v3/pay/transactions/out-trade-no/${order.out_trade_no}?mchid=${MCH_ID}`);
      expect(orderQuery.json.trade_state).toBe('REFUND');
      const repeat = await call('POST', '/v3/refund/domestic/refunds', refundBody(order.out_trade_no, 30));
      expect(repeat.json.refund_id).toBe(answer.json.refund_id);
    });

    it('refuses to refund more than was paid, an unpaid order, or an unknown one', async () => {
      const order = await paidOrder();
      await call('POST', '/v3/refund/domestic/refunds', refundBody(order.out_trade_no, 60));
      const tooMuch = await call('POST', '/v3/refund/domestic/refunds', refundBody(order.out_trade_no, 50));
      expect(tooMuch).toMatchObject({ status: 400, json: { code: 'INVALID_REQUEST' } });
      const { body: unpaid } = await placeOrder();
      const notPaid = await call('POST', '/v3/refund/domestic/refunds', refundBody(unpaid.out_trade_no, 10));
      expect(notPaid).toMatchObject({ status: 400, json: { code: 'INVALID_REQUEST' } });
      const unknown = await call('POST', '/v3/refund/domestic/refunds', refundBody('NOSUCHORDER', 10));
      expect(unknown).toMatchObject({ status: 404, json: { code: 'RESOURCE_NOT_EXISTS' } });
      const noAmount = await call('POST', '/v3/refund/domestic/refunds', refundBody(order.out_trade_no, 0));
      expect(noAmount).toMatchObject({ status: 400, json: { code: 'PARAM_ERROR' } });
    });
  });

  describe('faults and stats', () => {
    it('answers 503 during an outage and a signed 500 SYSTEM_ERROR while busy', async () => {
      const post = (faults: unknown) => fetch(`${sandbox.url}/sandbox/faults`, { method: 'POST', body: JSON.stringify(faults) });
      await post({ outage: true });
      expect((await call('POST', '/v3/pay/transactions/jsapi', orderBody())).status).toBe(503);
      await post({ outage: false, systemBusy: true });
      const busy = await call('POST', '/v3/pay/transactions/jsapi', orderBody());
      expect(busy).toMatchObject({ status: 500, json: { code: 'SYSTEM_ERROR' } });
      expect(signedBy(busy)).toBe(true);
      await post({ systemBusy: false });
      expect((await stats()).pay_jsapi).toEqual({ outage: 1, SYSTEM_ERROR: 1 });
    });

    it('forgets orders on reset', async () => {
      const { body } = await placeOrder();
      await fetch(`${sandbox.url}/sandbox/reset`, { method: 'POST' });
      const answer = await call('GET', `/v3/pay/transactions/out-trade-no/${body.out_trade_no}?mchid=${MCH_ID}`);
      expect(answer.status).toBe(404);
    });
  });
});
