import { requestJson } from '#libs/testing';
import { AuthHarness, loginAs, startAuthHarness } from './auth-test-harness';

describe('WeChat login, profile and sessions (real MariaDB, Redis, sandbox)', () => {
  let auth: AuthHarness;
  beforeAll(async () => {
    auth = await startAuthHarness();
  });
  afterAll(() => auth.close());

  it('logs a new user in and the same openid back into the same user', async () => {
    const first = await loginAs(auth.url, '1:alice');
    expect(first).toMatchObject({ expiresIn: 900, user: { nickname: null, phone: null } });
    expect(first.accessToken.split('.')).toHaveLength(3);
    expect(JSON.stringify(first)).not.toMatch(/session_?key|openid|unionid/i);
    const second = await loginAs(auth.url, '2:alice');
    expect(second.user.id).toBe(first.user.id);
    const other = await loginAs(auth.url, '1:bob');
    expect(other.user.id).not.toBe(first.user.id);
  });

  it('refuses a used or invalid code with a stable code and creates nothing', async () => {
    await loginAs(auth.url, 'once:carol');
    const reused = await requestJson(`${auth.url}/api/auth/wechat/login`, { body: { code: 'once:carol' } });
    expect(reused.status).toBe(400);
    expect(reused.body).toMatchObject({ statusCode: 400, code: 'WECHAT_CODE_INVALID' });
    expect(reused.body.requestId).toBe(reused.headers.get('x-request-id'));
    const invalid = await requestJson(`${auth.url}/api/auth/wechat/login`, { body: { code: 'invalid-code' } });
    expect(invalid.body.code).toBe('WECHAT_CODE_INVALID');
  });

  it('answers 503 WECHAT_UNAVAILABLE when WeChat is down', async () => {
    await requestJson(`${auth.url.replace(/:\d+$/, '')}`, {}).catch(() => undefined);
    await requestJson(`${auth.sandbox.url}/sandbox/faults`, { body: { outage: true } });
    try {
      const reply = await requestJson(`${auth.url}/api/auth/wechat/login`, { body: { code: 'down:dave' } });
      expect(reply.status).toBe(503);
      expect(reply.body).toMatchObject({ code: 'WECHAT_UNAVAILABLE' });
    } finally {
      await requestJson(`${auth.sandbox.url}/sandbox/faults`, { body: { outage: false } });
    }
  });

  it('reads and updates the profile; a flagged nickname is refused and nothing changes', async () => {
    const { accessToken } = await loginAs(auth.url, '1:erin');
    const me = await requestJson(`${auth.url}/api/auth/me`, { token: accessToken });
    expect(me.status).toBe(200);
    const patched = await requestJson(`${auth.url}/api/auth/me`, { method: 'PATCH', token: accessToken, body: { nickname: 'Erin' } });
    expect(patched.status).toBe(200);
    expect(patched.body.nickname).toBe('Erin');
    const flagged = await requestJson(`${auth.url}/api/auth/me`, { method: 'PATCH', token: accessToken, body: { nickname: 'a forbidden-word here' } });
    expect(flagged.status).toBe(422);
    expect(flagged.body.code).toBe('CONTENT_REJECTED');
    const after = await requestJson(`${auth.url}/api/auth/me`, { token: accessToken });
    expect(after.body.nickname).toBe('Erin');
  });

  it('binds a phone number through getuserphonenumber', async () => {
    const { accessToken } = await loginAs(auth.url, '1:frank');
    const bound = await requestJson(`${auth.url}/api/auth/phone`, { token: accessToken, body: { code: 'phone:13800138000' } });
    expect(bound.status).toBe(200);
    expect(bound.body.phone).toBe('13800138000');
    const bad = await requestJson(`${auth.url}/api/auth/phone`, { token: accessToken, body: { code: 'nonsense' } });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('PHONE_CODE_INVALID');
  });

  it('rotates refresh tokens and revokes the session when a rotated one is used again', async () => {
    const login = await loginAs(auth.url, '1:grace');
    const rotated = await requestJson(`${auth.url}/api/auth/refresh`, { body: { refreshToken: login.refreshToken } });
    expect(rotated.status).toBe(200);
    expect(rotated.body.refreshToken).not.toBe(login.refreshToken);
    expect((await requestJson(`${auth.url}/api/auth/me`, { token: rotated.body.accessToken })).status).toBe(200);

    const replay = await requestJson(`${auth.url}/api/auth/refresh`, { body: { refreshToken: login.refreshToken } });
    expect(replay.status).toBe(401);
    expect(replay.body.code).toBe('REFRESH_TOKEN_REUSED');
    const afterReplay = await requestJson(`${auth.url}/api/auth/me`, { token: rotated.body.accessToken });
    expect(afterReplay.body.code).toBe('SESSION_REVOKED');
    const newest = await requestJson(`${auth.url}/api/auth/refresh`, { body: { refreshToken: rotated.body.refreshToken } });
    expect(newest.body.code).toBe('SESSION_REVOKED');
  });

  it('lets one of two concurrent refreshes win and revokes on the loser', async () => {
    const login = await loginAs(auth.url, '1:heidi');
    const replies = await Promise.all([1, 2].map(() => requestJson(`${auth.url}/api/auth/refresh`, { body: { refreshToken: login.refreshToken } })));
    expect(replies.map((r) => r.status).sort()).toEqual([200, 401]);
  });

  it('logs out: the access token and the refresh token stop working', async () => {
    const login = await loginAs(auth.url, '1:ivan');
    const logout = await requestJson(`${auth.url}/api/auth/logout`, { method: 'POST', token: login.accessToken });
    expect(logout.status).toBe(204);
    expect((await requestJson(`${auth.url}/api/auth/me`, { token: login.accessToken })).body.code).toBe('SESSION_REVOKED');
    expect((await requestJson(`${auth.url}/api/auth/refresh`, { body: { refreshToken: login.refreshToken } })).body.code).toBe('SESSION_REVOKED');
  });

  it('fetched one WeChat access token for all the calls above', async () => {
    const stats = await requestJson(`${auth.sandbox.url}/sandbox/stats`);
    expect(JSON.stringify(stats.body)).toContain('stable_token');
    expect(stats.body.stable_token.issued).toBe(1);
  });
});
