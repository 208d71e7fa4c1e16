import Redis from 'ioredis';
import { SignJWT, UnsecuredJWT } from 'jose';
import { JsonReply, requestJson, signTestToken } from '#libs/testing';
import { generateSigningKey } from '#libs/keys';
import { AuthHarness, decodeClaims, loginAs, UserLogin, startAuthHarness } from './auth-test-harness';

/** The contract's error envelope, with the request id the X-Request-Id header carries. */
function expectEnvelope(reply: JsonReply, status: number, code: string): void {
  expect(reply.status).toBe(status);
  expect(reply.body).toEqual({ statusCode: status, code, message: expect.any(String), requestId: reply.headers.get('x-request-id') });
  expect(reply.body.requestId).toBeTruthy();
}

describe('access tokens on a guarded route (real auth, MariaDB, Redis)', () => {
  let auth: AuthHarness;
  let login: UserLogin;
  const me = () => `${auth.url}/api/auth/me`;
  /** A token like auth's own for the logged-in user, with `options` changed. */
  const forge = (options: Parameters<typeof signTestToken>[1] = {}) =>
    signTestToken(auth.keys.key.privateKeyPem, {
      subject: login.user.id,
      sessionId: String(decodeClaims(login.accessToken).sid),
      kid: auth.keys.key.keyId,
      ...options,
    });

  beforeAll(async () => {
    auth = await startAuthHarness();
    login = await loginAs(auth.url, '1:token-tester');
  });
  afterAll(() => auth.close());

  it('accepts the token auth issued, and one made the same way (so the refusals below are about one change each)', async () => {
    expect((await requestJson(me(), { token: login.accessToken })).status).toBe(200);
    const reply = await requestJson(me(), { token: await forge() });
    expect(reply.status).toBe(200);
    expect(reply.body.id).toBe(login.user.id);
  });

  it('refuses a request without a token, or with something else than a Bearer JWT, as UNAUTHENTICATED', async () => {
    expectEnvelope(await requestJson(me()), 401, 'UNAUTHENTICATED');
    expectEnvelope(await requestJson(me(), { headers: { authorization: `Basic ${Buffer.from('a:b').toString('base64')}` } }), 401, 'UNAUTHENTICATED');
    expectEnvelope(await requestJson(me(), { headers: { authorization: 'Bearer not a token' } }), 401, 'UNAUTHENTICATED');
  });

  it('refuses garbage shaped like a JWT as TOKEN_INVALID', async () => {
    expectEnvelope(await requestJson(me(), { token: 'abc.def.ghi' }), 401, 'TOKEN_INVALID');
    expectEnvelope(await requestJson(me(), { token: 'e30.e30.' }), 401, 'TOKEN_INVALID');
  });

  it('refuses a token whose payload was changed after signing', async () => {
    const [header, payload, signature] = login.accessToken.split('.');
    const claims = { ...JSON.parse(Buffer.from(payload, 'base64url').toString()), kind: 'staff', roles: ['admin'] };
    const tampered = `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${signature}`;
    expectEnvelope(await requestJson(me(), { token: tampered }), 401, 'TOKEN_INVALID');
    expectEnvelope(await requestJson(`${auth.url}/api/auth/admin/staff`, { token: tampered }), 401, 'TOKEN_INVALID');
  });

  it('refuses a token signed by another Ed25519 key, under its own kid or under auth’s kid', async () => {
    const stranger = await generateSigningKey();
    const ownKid = await signTestToken(stranger.privateKeyPem, { subject: login.user.id, kid: stranger.keyId });
    expectEnvelope(await requestJson(me(), { token: ownKid }), 401, 'TOKEN_INVALID');
    const impostor = await signTestToken(stranger.privateKeyPem, { subject: login.user.id, kid: auth.keys.key.keyId });
    expectEnvelope(await requestJson(me(), { token: impostor }), 401, 'TOKEN_INVALID');
  });

  it('refuses an unsigned (alg: none) token', async () => {
    const claims = decodeClaims(login.accessToken);
    const unsigned = new UnsecuredJWT(claims).encode();
    expect(unsigned.endsWith('.')).toBe(true);
    expectEnvelope(await requestJson(me(), { token: unsigned }), 401, 'TOKEN_INVALID');
  });

  it('refuses an HS256 token whose secret is the public key (algorithm confusion)', async () => {
    const claims = decodeClaims(login.accessToken);
    const jwk = auth.keys.key.publicJwk;
    const secrets = [Buffer.from(String(jwk.x), 'base64url'), Buffer.from(JSON.stringify(jwk)), Buffer.from(auth.env.JWT_PUBLIC_KEYS)];
    for (const secret of secrets) {
      const token = await new SignJWT(claims).setProtectedHeader({ alg: 'HS256', kid: auth.keys.key.keyId, typ: 'JWT' }).sign(secret);
      expectEnvelope(await requestJson(me(), { token }), 401, 'TOKEN_INVALID');
    }
  });

  it('refuses an expired token as TOKEN_EXPIRED', async () => {
    const now = Math.floor(Date.now() / 1000);
    const expired = await forge({ issuedAt: now - 1000, expiresAt: now - 10 });
    expectEnvelope(await requestJson(me(), { token: expired }), 401, 'TOKEN_EXPIRED');
  });

  it('refuses a token for another issuer or audience, or with claims auth never writes, as TOKEN_INVALID', async () => {
    const forged = [
      await forge({ issuer: 'someone-else' }),
      await forge({ audience: 'another-api' }),
      await forge({ kind: 'superuser' }),
      await forge({ roles: 'admin' }),
      await forge({ claims: { sid: undefined } }),
      await forge({ claims: { sub: undefined } }),
      await forge({ claims: { exp: undefined } }),
      await forge({ claims: { nbf: Math.floor(Date.now() / 1000) + 600 } }),
    ];
    for (const token of forged) expectEnvelope(await requestJson(me(), { token }), 401, 'TOKEN_INVALID');
  });

  it('refuses a valid token of a revoked session as SESSION_REVOKED, for as long as the token could live', async () => {
    const other = await loginAs(auth.url, '1:token-logout');
    expect((await requestJson(`${auth.url}/api/auth/logout`, { method: 'POST', token: other.accessToken })).status).toBe(204);
    expectEnvelope(await requestJson(me(), { token: other.accessToken }), 401, 'SESSION_REVOKED');
    const redis = new Redis(auth.env.REDIS_URL);
    try {
      const ttl = await redis.ttl(`${auth.redisPrefixes.shared}session:revoked:${String(decodeClaims(other.accessToken).sid)}`);
      expect(ttl).toBeGreaterThanOrEqual(Number(decodeClaims(other.accessToken).exp) - Math.floor(Date.now() / 1000));
    } finally {
      redis.disconnect();
    }
  });

  it('echoes a caller’s X-Request-Id in the header and in the error body, and makes one up otherwise', async () => {
    const echoed = await requestJson(me(), { headers: { 'x-request-id': 'mp-req-42.a_b:c' } });
    expect(echoed.headers.get('x-request-id')).toBe('mp-req-42.a_b:c');
    expectEnvelope(echoed, 401, 'UNAUTHENTICATED');

    const ok = await requestJson(me(), { token: login.accessToken, headers: { 'x-request-id': 'mp-req-43' } });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('x-request-id')).toBe('mp-req-43');

    for (const unsafe of ['has spaces in it', 'x'.repeat(200), '<script>']) {
      const replaced = await requestJson(me(), { headers: { 'x-request-id': unsafe } });
      expect(replaced.headers.get('x-request-id')).not.toBe(unsafe);
      expect(replaced.headers.get('x-request-id')).toMatch(/^[A-Za-z0-9._:-]{1,128}$/);
      expectEnvelope(replaced, 401, 'UNAUTHENTICATED');
    }
    const generated = await Promise.all([1, 2].map(() => requestJson(me())));
    expect(generated[0].headers.get('x-request-id')).not.toBe(generated[1].headers.get('x-request-id'));
  });
});
