import Redis from 'ioredis';
import { requestJson } from '#libs/testing';
import { AuthHarness, AuthInstance, loginAs, startAuthHarness } from './auth-test-harness';

/** How often the sandbox answered stable_token, by result (issued, cached, refreshed, outage, ...). */
async function stableTokenStats(auth: AuthHarness): Promise<Record<string, number>> {
  return (await requestJson(`${auth.sandbox.url}/sandbox/stats`)).body.stable_token ?? {};
}

const total = (stats: Record<string, number>) => Object.values(stats).reduce((sum, n) => sum + n, 0);
const faults = (auth: AuthHarness, body: object) => requestJson(`${auth.sandbox.url}/sandbox/faults`, { body });

describe('the WeChat access token shared by replicas (real Redis, sandbox)', () => {
  let auth: AuthHarness;
  let replica: AuthInstance;
  let redis: Redis;
  let phone = 13700000000;
  const tokenKey = () => `${auth.redisPrefixes.shared}wechat:access-token`;
  const bindPhone = (url: string, accessToken: string) => requestJson(`${url}/api/auth/phone`, { token: accessToken, body: { code: `phone:${phone++}` } });

  beforeAll(async () => {
    auth = await startAuthHarness({ WECHAT_TIMEOUT_MS: '500' });
    replica = await auth.startReplica();
    redis = new Redis(auth.env.REDIS_URL);
  });
  afterAll(async () => {
    redis?.disconnect();
    await auth?.close();
  });

  it('is fetched once for the whole cluster, however many replicas need it at once', async () => {
    const users = await Promise.all(Array.from({ length: 12 }, (_, i) => loginAs(auth.url, `1:token-user-${i}`)));
    const replies = await Promise.all(users.map((user, i) => bindPhone(i % 2 ? replica.url : auth.url, user.accessToken)));
    expect(replies.map((reply) => reply.status)).toEqual(users.map(() => 200));
    expect(await stableTokenStats(auth)).toEqual({ issued: 1 });
    expect(await redis.ttl(tokenKey())).toBeGreaterThan(60);
  });

  it('replaces a token WeChat refuses, once, and the call goes through', async () => {
    await redis.set(tokenKey(), 'a-token-wechat-never-issued', 'EX', 600);
    const user = await loginAs(auth.url, '1:token-refused');
    expect((await bindPhone(replica.url, user.accessToken)).status).toBe(200);
    expect(await stableTokenStats(auth)).toEqual({ issued: 1, refreshed: 1 });
    expect(await redis.get(tokenKey())).not.toBe('a-token-wechat-never-issued');
    expect((await bindPhone(auth.url, user.accessToken)).status).toBe(200);
    expect(total(await stableTokenStats(auth))).toBe(2);
  });

  it('answers 503 WECHAT_UNAVAILABLE when no token can be had, and recovers', async () => {
    const user = await loginAs(auth.url, '1:token-outage');
    await redis.del(tokenKey());
    await faults(auth, { outage: true });
    try {
      const reply = await bindPhone(auth.url, user.accessToken);
      expect(reply.status).toBe(503);
      expect(reply.body.code).toBe('WECHAT_UNAVAILABLE');
    } finally {
      await faults(auth, { outage: false });
    }
    expect((await bindPhone(auth.url, user.accessToken)).status).toBe(200);
  });

  it('gives up on a WeChat that does not answer after WECHAT_TIMEOUT_MS', async () => {
    await faults(auth, { outage: 'timeout' });
    try {
      const started = Date.now();
      const reply = await requestJson(`${auth.url}/api/auth/wechat/login`, { body: { code: '1:token-timeout' } });
      expect(reply.status).toBe(503);
      expect(reply.body.code).toBe('WECHAT_UNAVAILABLE');
      // Well under the 3 s default, so the configured 500 ms is what gave up, with room for a busy machine.
      expect(Date.now() - started).toBeLessThan(2500);
    } finally {
      await faults(auth, { outage: false });
    }
  });
});
