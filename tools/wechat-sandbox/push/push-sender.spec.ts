import { IncomingMessage, createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { PushMessageCipher } from '../../../libs/wechat/src/push/push-message-cipher';
import { pushSignature } from '../../../libs/wechat/src/push/push-signature';
import { SandboxStats } from '../sandbox-stats';
import { WechatSandbox, createWechatSandbox } from '../wechat-sandbox.server';
import { SANDBOX_PUSH_ENCODING_AES_KEY, SANDBOX_PUSH_TOKEN, WechatPushSandboxOptions, readPushConfig } from './push-config';
import { PushNotDeliveredError, PushSender } from './push-sender';

const APP_ID = 'wx-test-app';

interface Received {
  query: URLSearchParams;
  body: string;
}

/** A stand-in for the backend's push URL: records each request and answers what `answer` says. */
async function startReceiver() {
  const received: Received[] = [];
  const answers: { status: number; body: string }[] = [];
  const server = createServer((request: IncomingMessage, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({ query: new URL(request.url ?? '/', 'http://x').searchParams, body: Buffer.concat(chunks).toString('utf8') });
      const answer = answers.shift() ?? { status: 200, body: 'success' };
      response.writeHead(answer.status, { 'content-type': 'text/plain' }).end(answer.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/auth/wechat/push`;
  return { url, received, answers, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** Reads one recorded request as the backend would: checks its signatures and opens it. */
function open(request: Received, appId = APP_ID): Record<string, unknown> {
  const timestamp = request.query.get('timestamp')!;
  const nonce = request.query.get('nonce')!;
  expect(request.query.get('signature')).toBe(pushSignature(SANDBOX_PUSH_TOKEN, timestamp, nonce));
  if (request.query.get('encrypt_type') !== 'aes') return JSON.parse(request.body) as Record<string, unknown>;
  const envelope = JSON.parse(request.body) as { ToUserName: string; Encrypt: string };
  expect(request.query.get('msg_signature')).toBe(pushSignature(SANDBOX_PUSH_TOKEN, timestamp, nonce, envelope.Encrypt));
  const message = JSON.parse(new PushMessageCipher(SANDBOX_PUSH_ENCODING_AES_KEY, appId).decrypt(envelope.Encrypt)) as Record<string, unknown>;
  expect(envelope.ToUserName).toBe(message.ToUserName);
  return message;
}

const waitFor = async (condition: () => boolean) => {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  expect(condition()).toBe(true);
};

function options(url: string | undefined, mode: 'safe' | 'plain' = 'safe'): WechatPushSandboxOptions {
  return { url, token: SANDBOX_PUSH_TOKEN, encodingAesKey: SANDBOX_PUSH_ENCODING_AES_KEY, mode, retryDelayMs: 20 };
}

describe('PushSender', () => {
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  beforeEach(async () => {
    receiver = await startReceiver();
  });
  afterEach(() => receiver.close());

  it('in safe mode, signs and encrypts the event with WeChat envelope fields filled in', async () => {
    const stats = new SandboxStats();
    const sender = new PushSender(APP_ID, options(receiver.url), stats, () => 1_700_000_000_500);
    await sender.deliver({ FromUserName: 'oalice', Event: 'trade_manage_order_settlement', transaction_id: '4200001' });
    expect(receiver.received).toHaveLength(1);
    const [request] = receiver.received;
    expect(request.query.get('encrypt_type')).toBe('aes');
    expect(request.query.get('timestamp')).toBe('1700000000');
    expect(Object.keys(JSON.parse(request.body) as object).sort()).toEqual(['Encrypt', 'ToUserName']);
    expect(open(request)).toEqual({
      ToUserName: 'gh_sandbox',
      FromUserName: 'oalice',
      CreateTime: 1_700_000_000,
      MsgType: 'event',
      Event: 'trade_manage_order_settlement',
      transaction_id: '4200001',
    });
    expect(stats.snapshot()).toMatchObject({ push: { delivered: 1 }, push_events: { trade_manage_order_settlement: 1 } });
  });

  it('in plain mode, signs the JSON message and sends it as is', async () => {
    const sender = new PushSender(APP_ID, { ...options(receiver.url, 'plain'), originalId: 'gh_0123456789ab' }, new SandboxStats(), Date.now);
    await sender.deliver({ FromUserName: 'obob', Event: 'subscribe_msg_change_event', CreateTime: 1234 });
    const [request] = receiver.received;
    expect(request.query.get('encrypt_type')).toBeNull();
    expect(request.query.get('msg_signature')).toBeNull();
    expect(open(request)).toMatchObject({ ToUserName: 'gh_0123456789ab', FromUserName: 'obob', CreateTime: 1234, Event: 'subscribe_msg_change_event' });
  });

  it('retries a delivery not answered "success" three times at most, the same message each time', async () => {
    receiver.answers.push({ status: 500, body: 'oops' }, { status: 200, body: '' }, { status: 200, body: 'fail' }, { status: 503, body: '' });
    const stats = new SandboxStats();
    const sender = new PushSender(APP_ID, options(receiver.url), stats, Date.now);
    await expect(sender.deliver({ FromUserName: 'oalice', Event: 'wxa_media_check', trace_id: 't1' })).rejects.toThrow(PushNotDeliveredError);
    await waitFor(() => (stats.snapshot().push.gave_up ?? 0) === 1);
    expect(receiver.received).toHaveLength(4);
    const messages = receiver.received.map((request) => open(request));
    expect(new Set(messages.map((message) => JSON.stringify(message))).size).toBe(1);
    expect(stats.snapshot().push).toEqual({ failed: 4, gave_up: 1 });
  });

  it('stops retrying once a retry is answered "success"', async () => {
    receiver.answers.push({ status: 502, body: '' });
    const stats = new SandboxStats();
    const sender = new PushSender(APP_ID, options(receiver.url), stats, Date.now);
    await expect(sender.deliver({ FromUserName: 'oalice', Event: 'wxa_media_check' })).rejects.toThrow('HTTP 502');
    await waitFor(() => (stats.snapshot().push.delivered ?? 0) === 1);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(receiver.received).toHaveLength(2);
    expect(stats.snapshot().push).toEqual({ failed: 1, delivered: 1 });
  });

  it('pushes nothing without a push URL', async () => {
    const stats = new SandboxStats();
    const sender = new PushSender(APP_ID, options(undefined), stats, Date.now);
    expect(sender.enabled).toBe(false);
    await expect(sender.deliver({ FromUserName: 'oalice', Event: 'wxa_media_check' })).rejects.toThrow('no push URL');
    expect(stats.snapshot()).toEqual({ push: {}, push_events: {} });
    expect(receiver.received).toHaveLength(0);
  });
});

describe('POST /sandbox/push', () => {
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let sandbox: WechatSandbox;
  beforeAll(async () => {
    receiver = await startReceiver();
    sandbox = createWechatSandbox({ appId: APP_ID, appSecret: 'secret', push: options(receiver.url) });
    await sandbox.listen(0);
  });
  afterAll(async () => {
    await sandbox.close();
    await receiver.close();
  });
  beforeEach(() => receiver.received.splice(0));

  const post = async (body: unknown, query = '') => {
    const response = await fetch(`${sandbox.url}/sandbox/push${query}`, { method: 'POST', body: JSON.stringify(body) });
    return { status: response.status, json: (await response.json()) as any };
  };

  it('pushes an arbitrary event, encrypted as configured', async () => {
    const { status, json } = await post({ FromUserName: 'oalice', Event: 'subscribe_msg_popup_event', List: [{ TemplateId: 'order_paid' }] });
    expect(status).toBe(200);
    expect(json.delivered).toBe(true);
    expect(json.attempts).toEqual([{ status: 200, body: 'success', accepted: true }]);
    expect(open(receiver.received[0])).toEqual(json.message);
    expect(json.message).toMatchObject({ ToUserName: 'gh_sandbox', MsgType: 'event', Event: 'subscribe_msg_popup_event' });
  });

  it('delivers the same message `times` times, and in the mode asked for', async () => {
    const { json } = await post({ FromUserName: 'oalice', Event: 'trade_manage_order_settlement' }, '?times=3&mode=plain');
    expect(json.attempts).toHaveLength(3);
    expect(receiver.received).toHaveLength(3);
    for (const request of receiver.received) {
      expect(request.query.get('encrypt_type')).toBeNull();
      expect(open(request)).toEqual(json.message);
    }
    const stats = (await (await fetch(`${sandbox.url}/sandbox/stats`)).json()) as any;
    expect(stats.push.delivered).toBeGreaterThanOrEqual(3);
  });

  it('refuses a body without an Event, and bad times or mode', async () => {
    expect((await post({ FromUserName: 'oalice' })).status).toBe(400);
    expect((await post([1])).status).toBe(400);
    expect((await post({ Event: 'x' }, '?times=0')).status).toBe(400);
    expect((await post({ Event: 'x' }, '?times=11')).status).toBe(400);
    expect((await post({ Event: 'x' }, '?mode=xml')).status).toBe(400);
    expect(receiver.received).toHaveLength(0);
  });

  it('says so when no push URL is configured', async () => {
    const bare = createWechatSandbox({ appId: APP_ID, appSecret: 'secret' });
    await bare.listen(0);
    try {
      const response = await fetch(`${bare.url}/sandbox/push`, { method: 'POST', body: JSON.stringify({ Event: 'x' }) });
      expect(response.status).toBe(409);
    } finally {
      await bare.close();
    }
  });
});

describe('readPushConfig', () => {
  it("defaults to the local stack's safe mode settings, with no push URL", () => {
    expect(readPushConfig({})).toEqual({
      url: undefined,
      token: SANDBOX_PUSH_TOKEN,
      encodingAesKey: SANDBOX_PUSH_ENCODING_AES_KEY,
      mode: 'safe',
      originalId: undefined,
      retryDelayMs: undefined,
    });
  });

  it('reads the SANDBOX_PUSH_* variables and names a bad one', () => {
    expect(
      readPushConfig({ SANDBOX_PUSH_URL: 'http://127.0.0.1:8080/api/auth/wechat/push', SANDBOX_PUSH_MODE: 'plain', SANDBOX_PUSH_RETRY_SECONDS: '0.5' }),
    ).toMatchObject({ url: 'http://127.0.0.1:8080/api/auth/wechat/push', mode: 'plain', retryDelayMs: 500 });
    expect(() => readPushConfig({ SANDBOX_PUSH_MODE: 'xml' })).toThrow('SANDBOX_PUSH_MODE');
    expect(() => readPushConfig({ SANDBOX_PUSH_ENCODING_AES_KEY: 'short' })).toThrow('SANDBOX_PUSH_ENCODING_AES_KEY');
    expect(() => readPushConfig({ SANDBOX_PUSH_URL: 'ftp://x' })).toThrow('SANDBOX_PUSH_URL');
    expect(() => readPushConfig({ SANDBOX_PUSH_RETRY_SECONDS: 'soon' })).toThrow('SANDBOX_PUSH_RETRY_SECONDS');
  });
});
