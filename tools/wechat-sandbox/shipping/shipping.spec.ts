import { generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { WechatSandbox, createWechatSandbox } from '../wechat-sandbox.server';

const APP_ID = 'wx-test-app';
const APP_SECRET = 'test-secret';
const MCH_ID = '1900000001';
const OPENID = 'o-shipping-buyer';
const merchantKeys = generateKeyPairSync('rsa', { modulusLength: 2048 });

/** A decoded JSON answer; its shape is what the assertions check. */
type Json = any;

function authorization(method: string, target: string, body: string): string {
  const timestamp = Math.floor(Date.now() / 1000);
  const nonce = randomBytes(16).toString('hex');
  const signature = sign('sha256', Buffer.from(`${method}\n${target}\n${timestamp}\n${nonce}\n${body}\n`), merchantKeys.privateKey);
  return `WECHATPAY2-SHA256-RSA2048 mchid="${MCH_ID}",nonce_str="${nonce}",signature="${signature.toString('base64')}",timestamp="${timestamp}",serial_no="S1"`;
}

describe('WeChat sandbox: order shipping management (upload_shipping_info, get_order)', () => {
  let sandbox: WechatSandbox;
  let token: string;
  let orderCount = 0;

  const post = async (path: string, body: unknown): Promise<Json> => {
    const response = await fetch(`${sandbox.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: response.status, ...((await response.json()) as object) };
  };
  const wechat = (api: string, body: unknown) => post(`/wxa/sec/order/${api}?access_token=${token}`, body);
  const stats = async (): Promise<Json> => (await fetch(`${sandbox.url}/sandbox/stats`)).json();

  /** A JSAPI order paid in the sandbox: its out_trade_no and transaction_id. */
  const paidOrder = async (): Promise<{ outTradeNo: string; transactionId: string }> => {
    const outTradeNo = `SHIP${Date.now()}${++orderCount}`;
    const body = JSON.stringify({
      appid: APP_ID,
      mchid: MCH_ID,
      description: 'Tea',
      out_trade_no: outTradeNo,
      notify_url: 'http://127.0.0.1:9/notify',
      amount: { total: 100, currency: 'CNY' },
      payer: { openid: OPENID },
    });
    const target = '/v3/pay/transactions/jsapi';
    const placed = (await (
      await fetch(`${sandbox.url}${target}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: authorization('POST', target, body) },
        body,
      })
    ).json()) as Json;
    const paid = (await (await fetch(`${sandbox.url}/sandbox/pay/${placed.prepay_id}`, { method: 'POST' })).json()) as Json;
    return { outTradeNo, transactionId: paid.transaction_id };
  };

  const upload = (transactionId: string, overrides: Record<string, unknown> = {}) =>
    wechat('upload_shipping_info', {
      order_key: { order_number_type: 2, transaction_id: transactionId },
      logistics_type: 1,
      delivery_mode: 1,
      shipping_list: [{ tracking_no: 'SF1234567890', express_company: 'SF', item_desc: 'Tea*1', contact: { receiver_contact: '138****8000' } }],
      upload_time: '2026-12-02T13:29:35.120+08:00',
      payer: { openid: OPENID },
      ...overrides,
    });

  beforeAll(async () => {
    sandbox = createWechatSandbox({
      appId: APP_ID,
      appSecret: APP_SECRET,
      pay: { mchId: MCH_ID, merchantPublicKey: merchantKeys.publicKey, apiV3Key: 'sandbox-apiv3-key-0123456789abcd', notifyRetryDelaysMs: [] },
    });
    await sandbox.listen(0);
    const answer = (await (await fetch(`${sandbox.url}/cgi-bin/token?grant_type=client_credential&appid=${APP_ID}&secret=${APP_SECRET}`)).json()) as Json;
    token = answer.access_token;
  });
  afterAll(() => sandbox.close());

  it('accepts each logistics type with its documented fields, by transaction_id or by mchid + out_trade_no', async () => {
    const express = await paidOrder();
    expect((await upload(express.transactionId)).errcode).toBe(0);
    for (const logisticsType of [2, 3, 4]) {
      const order = await paidOrder();
      const answer = await upload('', {
        order_key: { order_number_type: 1, mchid: MCH_ID, out_trade_no: order.outTradeNo },
        logistics_type: logisticsType,
        shipping_list: [{ item_desc: 'Tea*1' }],
      });
      expect(answer.errcode).toBe(0);
      const held = await wechat('get_order', { merchant_id: MCH_ID, merchant_trade_no: order.outTradeNo });
      expect(held.order).toMatchObject({
        transaction_id: order.transactionId,
        order_state: 2,
        shipping: { logistics_type: logisticsType, finish_shipping_count: 1 },
      });
    }
  });

  it('answers the documented errcode for each bad field, and holds nothing', async () => {
    const { transactionId } = await paidOrder();
    const cases: [Record<string, unknown>, number][] = [
      [{ order_key: { order_number_type: 3 } }, 268485194],
      [{ order_key: { order_number_type: 2 } }, 268485195],
      [{ order_key: { order_number_type: 1, out_trade_no: 'X' } }, 268485196],
      [{ logistics_type: 5 }, 10060005],
      [{ delivery_mode: 3 }, 268485224],
      [{ shipping_list: [{ express_company: 'SF', item_desc: 'Tea', contact: { receiver_contact: '138****8000' } }] }, 268485226],
      [{ shipping_list: [{ tracking_no: 'T1', item_desc: 'Tea' }] }, 268485227],
      [{ shipping_list: [{ tracking_no: 'T1', express_company: 'SF', item_desc: 'Tea' }] }, 10060014],
      [{ shipping_list: [{ tracking_no: 'T1', express_company: 'YTO', item_desc: '' }] }, 10060008],
      [{ shipping_list: [{ tracking_no: 'T1', express_company: 'YTO', item_desc: 'x'.repeat(121) }] }, 10060009],
      [{ shipping_list: [{ item_desc: 'a' }, { item_desc: 'b' }], logistics_type: 4 }, 268485228],
      [{ upload_time: '2026-12-02 13:29:35' }, 268485216],
      [{ payer: { openid: 'someone-else' } }, 10060031],
      [{ order_key: { order_number_type: 2, transaction_id: '4200000000000000000000000000' } }, 10060001],
    ];
    for (const [overrides, errcode] of cases) expect([overrides, (await upload(transactionId, overrides)).errcode]).toEqual([overrides, errcode]);
    const held = await wechat('get_order', { transaction_id: transactionId });
    expect(held.order.order_state).toBe(1);
    expect(held.order.shipping).toBeUndefined();
  });

  it('fails the next N uploads on request, then accepts; one re-shipment is allowed, then 10060003', async () => {
    const { transactionId } = await paidOrder();
    expect((await post('/sandbox/shipping/fail-next', { count: 2, errcode: 0 })).status).toBe(400);
    expect((await post('/sandbox/shipping/fail-next', { count: 2 })).status).toBe(200);
    const before = (await stats()).upload_shipping_info;
    expect((await upload(transactionId)).errcode).toBe(10060012);
    expect((await upload(transactionId)).errcode).toBe(10060012);
    expect((await upload(transactionId)).errcode).toBe(0);
    expect((await upload(transactionId)).errcode).toBe(0);
    expect((await upload(transactionId)).errcode).toBe(10060003);
    const after = (await stats()).upload_shipping_info;
    expect(after.ok - (before.ok ?? 0)).toBe(1);
    expect(after.reship - (before.reship ?? 0)).toBe(1);
    expect((await wechat('get_order', { transaction_id: transactionId })).order.shipping.finish_shipping_count).toBe(2);
  });

  it('refuses an upload late when asked for both a hold and an errcode, and records nothing', async () => {
    const { transactionId } = await paidOrder();
    expect((await post('/sandbox/shipping/fail-next', { count: 1, errcode: -1, holdMs: 300 })).status).toBe(200);
    const faultsBefore = (await stats()).shipping_faults ?? {};
    const started = Date.now();
    expect((await upload(transactionId)).errcode).toBe(-1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    const faults = (await stats()).shipping_faults;
    expect([faults.held - (faultsBefore.held ?? 0), faults['-1'] - (faultsBefore['-1'] ?? 0)]).toEqual([1, 1]);
    expect((await wechat('get_order', { transaction_id: transactionId })).order.order_state).toBe(1);
    expect((await upload(transactionId)).errcode).toBe(0);
  });

  it('confirms receipt of a shipped payment only (the push fails without a push URL, the state is kept)', async () => {
    const { transactionId } = await paidOrder();
    expect((await post(`/sandbox/shipping/confirm/${transactionId}`, {})).status).toBe(404);
    expect((await upload(transactionId)).errcode).toBe(0);
    expect((await post(`/sandbox/shipping/confirm/${transactionId}`, {})).status).toBe(502);
    expect((await wechat('get_order', { transaction_id: transactionId })).order.order_state).toBe(3);
    expect((await post(`/sandbox/shipping/confirm/${transactionId}`, {})).status).toBe(409);
    expect((await upload(transactionId)).errcode).toBe(10060004);
  });
});
