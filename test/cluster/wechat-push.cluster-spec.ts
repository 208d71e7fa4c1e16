import { connect, NatsConnection, Subscription } from '@nats-io/transport-node';
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { requestJson, scrapeMetrics } from '#libs/testing';
import { PushMessageCipher, pushSignature } from '#libs/wechat';
import { LocalCluster } from '../../tools/stack/local-cluster';
import { SANDBOX_PUSH_ENCODING_AES_KEY, SANDBOX_PUSH_TOKEN } from '../../tools/wechat-sandbox/push/push-config';
import { createTestCluster, sleep } from './cluster-fixture';

const APP_ID = 'wx-sandbox-app';

interface BusEvent {
  subject: string;
  data: Record<string, unknown>;
}

describe('WeChat server push: the sandbox pushes through HAProxy to 2 auth replicas, events go out on the bus once', () => {
  let cluster: LocalCluster;
  let nats: NatsConnection;
  let subscription: Subscription;
  const received: BusEvent[] = [];
  const pushUrl = () => `${cluster.publicUrl}/api/auth/wechat/push`;
  const openid = () => `o${randomBytes(6).toString('hex')}`;
  const of = (user: string) => received.filter((event) => event.data.FromUserName === user);

  /** Waits until the bus carried `count` events of `user`, then long enough for a wrongly repeated one to show up too. */
  const busEventsOf = async (user: string, count: number) => {
    for (let i = 0; i < 200 && of(user).length < count; i++) await sleep(50);
    await sleep(500);
    return of(user);
  };

  const sandboxPush = async (fields: Record<string, unknown>, query: string) => {
    const response = await fetch(`${cluster.sandboxUrl}/sandbox/push${query}`, { method: 'POST', body: JSON.stringify(fields) });
    expect(response.status).toBe(200);
    return (await response.json()) as { delivered: boolean; message: Record<string, unknown>; attempts: { status: number; body: string }[] };
  };

  /** A push made by hand, signed with `token` and, in safe mode, encrypted for `appId`. */
  const craftedPush = (message: Record<string, unknown>, options: { safe: boolean; token?: string; appId?: string; timestamp?: number }) => {
    const token = options.token ?? SANDBOX_PUSH_TOKEN;
    const timestamp = String(options.timestamp ?? Math.floor(Date.now() / 1000));
    const nonce = String(1_000_000 + Math.floor(Math.random() * 1_000_000));
    const query = new URLSearchParams({ signature: pushSignature(token, timestamp, nonce), timestamp, nonce });
    let body = JSON.stringify(message);
    if (options.safe) {
      const encrypt = new PushMessageCipher(SANDBOX_PUSH_ENCODING_AES_KEY, options.appId ?? APP_ID).encrypt(body);
      query.set('encrypt_type', 'aes');
      query.set('msg_signature', pushSignature(token, timestamp, nonce, encrypt));
      body = JSON.stringify({ ToUserName: 'gh_sandbox', Encrypt: encrypt });
    }
    return { query, body };
  };
  const post = async (query: URLSearchParams, body: string) => {
    const response = await fetch(`${pushUrl()}?${query.toString()}`, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
    const text = await response.text();
    return {
      status: response.status,
      text,
      json: response.headers.get('content-type')?.includes('json') ? (JSON.parse(text) as Record<string, unknown>) : undefined,
    };
  };
  const event = (user: string, extra: Record<string, unknown> = {}) => ({
    ToUserName: 'gh_sandbox',
    FromUserName: user,
    CreateTime: Math.floor(Date.now() / 1000),
    MsgType: 'event',
    Event: 'trade_manage_order_settlement',
    transaction_id: '4200000000000000001',
    ...extra,
  });
  const pushCounts = async () => {
    const counts: Record<string, number> = {};
    for (const replica of [...cluster.replicas.values()].filter((one) => one.service === 'auth')) {
      const scrape = await scrapeMetrics(`http://127.0.0.1:${replica.port}`);
      for (const result of ['accepted', 'duplicate', 'bad_signature', 'stale', 'malformed']) {
        counts[result] = (counts[result] ?? 0) + scrape.value('wechat_push_received_total', { result });
      }
    }
    return counts;
  };

  beforeAll(async () => {
    // compatible: auth takes both the sandbox's safe-mode pushes and the plain ones asked of it with ?mode=plain.
    cluster = createTestCluster({ auth: 2 }, { WECHAT_PUSH_MODE: 'compatible' });
    await cluster.start();
    nats = await connect({ servers: cluster.busUrl });
    subscription = nats.subscribe('wechat.push.*', {
      callback: (error, message) => {
        if (error) return;
        const decoded = message.json<{ data?: Record<string, unknown> }>();
        received.push({ subject: message.subject, data: decoded.data ?? {} });
      },
    });
    await nats.flush();
  }, 180000);

  afterAll(async () => {
    subscription?.unsubscribe();
    await nats?.close();
    await cluster?.stop();
  });

  it('answers the console URL check with echostr when the signature is the token’s, 401 otherwise', async () => {
    const timestamp = String(Math.floor(Date.now() / 1000));
    const query = new URLSearchParams({ signature: pushSignature(SANDBOX_PUSH_TOKEN, timestamp, '42'), timestamp, nonce: '42', echostr: '8235921374209' });
    const good = await fetch(`${pushUrl()}?${query.toString()}`);
    expect(good.status).toBe(200);
    expect(good.headers.get('content-type')).toContain('text/plain');
    expect(await good.text()).toBe('8235921374209');
    query.set('signature', pushSignature('another-token', timestamp, '42'));
    const bad = await requestJson(`${pushUrl()}?${query.toString()}`);
    expect(bad.status).toBe(401);
    expect(bad.body).toMatchObject({ statusCode: 401, code: 'WECHAT_PUSH_SIGNATURE_INVALID' });
  });

  it('takes a safe-mode push the sandbox delivers 3 times and publishes its event once', async () => {
    const user = openid();
    const before = await pushCounts();
    const pushed = await sandboxPush({ FromUserName: user, Event: 'trade_manage_order_settlement', transaction_id: '4200000000000000002' }, '?times=3');
    // The sandbox gives up on an attempt after WeChat's 5 s (its push timeout): each `success` came within it.
    expect(pushed.attempts.map((attempt) => [attempt.status, attempt.body])).toEqual([
      [200, 'success'],
      [200, 'success'],
      [200, 'success'],
    ]);
    const events = await busEventsOf(user, 1);
    expect(events).toEqual([{ subject: 'wechat.push.trade_manage_order_settlement', data: pushed.message }]);
    const after = await pushCounts();
    expect(after.accepted - before.accepted).toBe(1);
    expect(after.duplicate - before.duplicate).toBe(2);
  });

  it('takes a plain-mode push delivered 3 times and publishes it once, under its own event name', async () => {
    const user = openid();
    const fields = {
      FromUserName: user,
      Event: 'subscribe_msg_popup_event',
      List: [{ TemplateId: 'order_paid', SubscribeStatusString: 'accept', PopupScene: '0' }],
    };
    const pushed = await sandboxPush(fields, '?times=3&mode=plain');
    expect(pushed.attempts.every((attempt) => attempt.status === 200 && attempt.body === 'success')).toBe(true);
    expect(await busEventsOf(user, 1)).toEqual([{ subject: 'wechat.push.subscribe_msg_popup_event', data: pushed.message }]);
  });

  it('publishes two pushes of one user in the same second that differ in content as two events', async () => {
    const user = openid();
    const createdAt = Math.floor(Date.now() / 1000);
    const first = craftedPush(event(user, { CreateTime: createdAt, transaction_id: '4200000000000000011' }), { safe: true });
    const second = craftedPush(event(user, { CreateTime: createdAt, transaction_id: '4200000000000000012' }), { safe: true });
    expect((await post(first.query, first.body)).text).toBe('success');
    expect((await post(second.query, second.body)).text).toBe('success');
    expect((await busEventsOf(user, 2)).map((one) => one.data.transaction_id).sort()).toEqual(['4200000000000000011', '4200000000000000012']);
  });

  it('refuses forged, stale, misaddressed and malformed pushes with a 4xx envelope, and publishes none of them', async () => {
    const user = openid();
    const before = await pushCounts();
    const refusals: [string, { query: URLSearchParams; body: string }, number, string][] = [];
    refusals.push(['safe, signed with another token', craftedPush(event(user), { safe: true, token: 'forged-token' }), 401, 'WECHAT_PUSH_SIGNATURE_INVALID']);
    refusals.push(['plain, signed with another token', craftedPush(event(user), { safe: false, token: 'forged-token' }), 401, 'WECHAT_PUSH_SIGNATURE_INVALID']);
    const tampered = craftedPush(event(user), { safe: true });
    tampered.body = JSON.stringify({
      ToUserName: 'gh_sandbox',
      Encrypt: craftedPush(event(user, { Event: 'other' }), { safe: true }).query.get('msg_signature'),
    });
    refusals.push(['safe, Encrypt swapped after signing', tampered, 401, 'WECHAT_PUSH_SIGNATURE_INVALID']);
    const stale = Math.floor(Date.now() / 1000) - 3600;
    refusals.push(['safe, an hour old', craftedPush(event(user), { safe: true, timestamp: stale }), 401, 'WECHAT_PUSH_SIGNATURE_INVALID']);
    refusals.push(['plain, an hour old', craftedPush(event(user), { safe: false, timestamp: stale }), 401, 'WECHAT_PUSH_SIGNATURE_INVALID']);
    refusals.push(['safe, encrypted for another appid', craftedPush(event(user), { safe: true, appId: 'wx-other-app' }), 400, 'WECHAT_PUSH_INVALID']);
    refusals.push(['plain, no CreateTime', craftedPush(event(user, { CreateTime: 'yesterday' }), { safe: false }), 400, 'WECHAT_PUSH_INVALID']);
    refusals.push(['plain, an event name that is not one', craftedPush(event(user, { Event: 'a.b>' }), { safe: false }), 400, 'WECHAT_PUSH_INVALID']);
    const notBase64 = craftedPush(event(user), { safe: false });
    const garbage = 'not-base64!';
    notBase64.query.set('encrypt_type', 'aes');
    notBase64.query.set('msg_signature', pushSignature(SANDBOX_PUSH_TOKEN, notBase64.query.get('timestamp')!, notBase64.query.get('nonce')!, garbage));
    notBase64.body = JSON.stringify({ ToUserName: 'gh_sandbox', Encrypt: garbage });
    refusals.push(['safe, signed but Encrypt is not ciphertext', notBase64, 400, 'WECHAT_PUSH_INVALID']);
    const noSignature = craftedPush(event(user), { safe: false });
    noSignature.query.delete('signature');
    refusals.push(['plain, no signature', noSignature, 401, 'WECHAT_PUSH_SIGNATURE_INVALID']);
    const arrayBody = craftedPush(event(user), { safe: false });
    arrayBody.body = '[1,2]';
    refusals.push(['a JSON array', arrayBody, 400, 'WECHAT_PUSH_INVALID']);

    const authLogs = () =>
      Promise.all(
        [...cluster.replicas.values()].filter((one) => one.service === 'auth').map((one) => readFile(cluster.logFile(one.name), 'utf8').catch(() => '')),
      ).then((texts) => texts.join('\n'));
    const refusedLines = async () => (await authLogs()).split('\n').filter((line) => line.includes('WeChat push refused'));
    const loggedBefore = (await refusedLines()).length;
    for (const [name, push, status, code] of refusals) {
      const answer = await post(push.query, push.body);
      expect({ name, status: answer.status, code: answer.json?.code }).toEqual({ name, status, code });
      expect(answer.json).toMatchObject({ statusCode: status, requestId: expect.any(String) });
      expect(answer.text).not.toContain(push.query.get('signature') ?? 'no signature');
    }
    const after = await pushCounts();
    expect(after.bad_signature - before.bad_signature).toBe(4);
    expect(after.stale - before.stale).toBe(2);
    expect(after.malformed - before.malformed).toBe(5);
    expect(after.accepted - before.accepted).toBe(0);
    // Each refusal is logged with its reason, never with the signature or the body it came with.
    for (let waited = 0; (await refusedLines()).length - loggedBefore < refusals.length && waited < 5000; waited += 100) await sleep(100);
    expect((await refusedLines()).length - loggedBefore).toBe(refusals.length);
    const logged = (await refusedLines()).slice(loggedBefore).join('\n');
    for (const [, push] of refusals) {
      for (const secret of [push.query.get('signature'), push.query.get('msg_signature'), JSON.parse(push.body)?.Encrypt])
        if (secret) expect(logged).not.toContain(secret);
    }

    // The same user's good push afterwards arrives, alone: none of the refused ones went out before it.
    const good = craftedPush(event(user, { Event: 'wxa_media_check', trace_id: 'trace-1' }), { safe: true });
    expect((await post(good.query, good.body)).text).toBe('success');
    expect((await busEventsOf(user, 1)).map((one) => one.subject)).toEqual(['wechat.push.wxa_media_check']);
  });
});
