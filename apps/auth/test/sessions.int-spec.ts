import { createHash } from 'node:crypto';
import { requestJson } from '#libs/testing';
import { AuthHarness, decodeClaims, loginAs, startAuthHarness } from './auth-test-harness';

const ACCESS_TTL = 120;
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

describe('sessions and the tokens they issue (real auth, MariaDB)', () => {
  let auth: AuthHarness;
  const refresh = (refreshToken: string) => requestJson(`${auth.url}/api/auth/refresh`, { body: { refreshToken } });

  beforeAll(async () => {
    auth = await startAuthHarness({ ACCESS_TOKEN_TTL_SECONDS: String(ACCESS_TTL) });
  });
  afterAll(() => auth.close());

  it('signs access tokens with EdDSA under the configured kid, for ACCESS_TOKEN_TTL_SECONDS', async () => {
    const login = await loginAs(auth.url, '1:ttl-user');
    expect(login.expiresIn).toBe(ACCESS_TTL);
    const header = JSON.parse(Buffer.from(login.accessToken.split('.')[0], 'base64url').toString());
    expect(header).toMatchObject({ alg: 'EdDSA', kid: auth.env.JWT_KEY_ID });
    const claims = decodeClaims(login.accessToken);
    expect(Number(claims.exp) - Number(claims.iat)).toBe(ACCESS_TTL);
    expect(claims).toMatchObject({ sub: login.user.id, kind: 'user', roles: [], iss: 'miniprogram-auth', aud: 'miniprogram-api' });
  });

  it('keeps only a SHA-256 of each refresh token', async () => {
    const login = await loginAs(auth.url, '1:hash-user');
    const rows = await auth.query<{ token_hash: string }>('SELECT token_hash FROM refresh_tokens WHERE session_id = ?', [decodeClaims(login.accessToken).sid]);
    expect(rows).toEqual([{ token_hash: sha256(login.refreshToken) }]);
    const dump = JSON.stringify(await auth.query('SELECT * FROM refresh_tokens'));
    expect(dump).not.toContain(login.refreshToken);
  });

  it('refuses an unknown refresh token, an expired one and one of an expired session as REFRESH_TOKEN_INVALID', async () => {
    expect((await refresh('x'.repeat(43))).body).toMatchObject({ statusCode: 401, code: 'REFRESH_TOKEN_INVALID' });

    const expiredToken = await loginAs(auth.url, '1:expired-token');
    await auth.query('UPDATE refresh_tokens SET expires_at = UTC_TIMESTAMP(3) - INTERVAL 1 SECOND WHERE token_hash = ?', [sha256(expiredToken.refreshToken)]);
    expect((await refresh(expiredToken.refreshToken)).body.code).toBe('REFRESH_TOKEN_INVALID');

    const expiredSession = await loginAs(auth.url, '1:expired-session');
    await auth.query('UPDATE sessions SET expires_at = UTC_TIMESTAMP(3) - INTERVAL 1 SECOND WHERE id = ?', [decodeClaims(expiredSession.accessToken).sid]);
    expect((await refresh(expiredSession.refreshToken)).body.code).toBe('REFRESH_TOKEN_INVALID');
  });

  it('keeps the session across refreshes, and a new login opens a new one', async () => {
    const first = await loginAs(auth.url, '1:session-user');
    const refreshed = await refresh(first.refreshToken);
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.expiresIn).toBe(ACCESS_TTL);
    expect(decodeClaims(refreshed.body.accessToken).sid).toBe(decodeClaims(first.accessToken).sid);
    const second = await loginAs(auth.url, '2:session-user');
    expect(decodeClaims(second.accessToken).sid).not.toBe(decodeClaims(first.accessToken).sid);
    expect(second.user.id).toBe(first.user.id);
  });

  it('has a logout on one replica refused by another at once', async () => {
    const replica = await auth.startReplica();
    const login = await loginAs(auth.url, '1:two-replica-user');
    expect((await requestJson(`${replica.url}/api/auth/me`, { token: login.accessToken })).status).toBe(200);
    expect((await requestJson(`${replica.url}/api/auth/logout`, { method: 'POST', token: login.accessToken })).status).toBe(204);
    const refused = await requestJson(`${auth.url}/api/auth/me`, { token: login.accessToken });
    expect(refused.status).toBe(401);
    expect(refused.body.code).toBe('SESSION_REVOKED');
  });

  it('makes one user of concurrent first logins with the same openid', async () => {
    const logins = await Promise.all(Array.from({ length: 6 }, (_, i) => loginAs(auth.url, `race${i}:racing-user`)));
    expect(new Set(logins.map((login) => login.user.id)).size).toBe(1);
    expect(await auth.query("SELECT id FROM users WHERE openid = 'oracing-user'")).toHaveLength(1);
  });
});
