import { SignJWT } from 'jose';
import { ServiceEnv } from '#libs/config';
import { AppError } from '#libs/errors';
import { signTestToken } from '#libs/testing';
import { generateSigningKey, rotateKeySet, SigningKey } from '#libs/keys';
import { AccessTokenVerifier } from './access-token-verifier';

const config = (keys: object) => ({ JWT_PUBLIC_KEYS: JSON.stringify(keys), JWT_ISSUER: 'miniprogram-auth', JWT_AUDIENCE: 'miniprogram-api' }) as ServiceEnv;

async function codeOf(verifier: AccessTokenVerifier, token: string): Promise<string> {
  const error = await verifier.verify(token).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(AppError);
  return (error as AppError).code;
}

describe('AccessTokenVerifier', () => {
  let current: SigningKey;
  let previous: SigningKey;
  let retired: SigningKey;
  let verifier: AccessTokenVerifier;
  const sign = (key: SigningKey, options: Parameters<typeof signTestToken>[1] = {}) => signTestToken(key.privateKeyPem, { kid: key.keyId, ...options });

  beforeAll(async () => {
    [retired, previous, current] = await Promise.all([generateSigningKey(), generateSigningKey(), generateSigningKey()]);
    const afterTwoRotations = rotateKeySet(rotateKeySet([retired.publicJwk], previous.publicJwk, 1).keys, current.publicJwk, 1);
    verifier = new AccessTokenVerifier(config(afterTwoRotations));
  });

  it('returns the principal a valid token names', async () => {
    const token = await sign(current, { subject: '01ARZ3NDEKTSV4RRFFQ69G5FAV', sessionId: '01SESSI0N00000000000000000', kind: 'staff', roles: ['admin'] });
    await expect(verifier.verify(token)).resolves.toEqual({
      kind: 'staff',
      id: '01ARZ3NDEKTSV4RRFFQ69G5FAV',
      sessionId: '01SESSI0N00000000000000000',
      roles: ['admin'],
    });
  });

  it('accepts tokens of the keys still in the set after a rotation, not of a key rotated out', async () => {
    await expect(verifier.verify(await sign(previous))).resolves.toMatchObject({ kind: 'user' });
    expect(await codeOf(verifier, await sign(retired))).toBe('TOKEN_INVALID');
    expect(await codeOf(verifier, await sign(retired, { kid: current.keyId }))).toBe('TOKEN_INVALID');
  });

  it('tells an expired token from an invalid one, and an expired forgery is still invalid', async () => {
    const past = Math.floor(Date.now() / 1000) - 60;
    expect(await codeOf(verifier, await sign(current, { issuedAt: past - 900, expiresAt: past }))).toBe('TOKEN_EXPIRED');
    expect(await codeOf(verifier, await sign(retired, { kid: current.keyId, issuedAt: past - 900, expiresAt: past }))).toBe('TOKEN_INVALID');
  });

  it('refuses tokens missing a claim auth always writes, or with claims of the wrong shape', async () => {
    for (const claims of [
      { sub: undefined },
      { exp: undefined },
      { iat: undefined },
      { sid: undefined },
      { sid: 42 },
      { kind: 'robot' },
      { kind: undefined },
      { roles: 'admin' },
      { roles: undefined },
    ]) {
      expect({ claims, code: await codeOf(verifier, await sign(current, { claims })) }).toEqual({ claims, code: 'TOKEN_INVALID' });
    }
    expect(await codeOf(verifier, await sign(current, { issuer: 'elsewhere' }))).toBe('TOKEN_INVALID');
    expect(await codeOf(verifier, await sign(current, { audience: 'another-api' }))).toBe('TOKEN_INVALID');
  });

  it('accepts EdDSA only', async () => {
    const hs256 = await new SignJWT({ sid: 's', kind: 'user', roles: [] })
      .setProtectedHeader({ alg: 'HS256', kid: current.keyId })
      .setSubject('u')
      .setIssuer('miniprogram-auth')
      .setAudience('miniprogram-api')
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(Buffer.from(String(current.publicJwk.x), 'base64url'));
    expect(await codeOf(verifier, hs256)).toBe('TOKEN_INVALID');
  });

  it('remembers a verified token, the whole of it, only until it expires', async () => {
    const expiresAt = Math.floor(Date.now() / 1000) + 2;
    const token = await sign(current, { expiresAt });
    const principal = await verifier.verify(token);
    expect(await verifier.verify(token)).toBe(principal);
    expect(Object.isFrozen(principal) && Object.isFrozen(principal.roles)).toBe(true);
    // Another signature on the same header and claims is another token: checked, and refused.
    const [header, claims, signature] = token.split('.');
    const forged = `${header}.${claims}.${signature.startsWith('A') ? 'B' : 'A'}${signature.slice(1)}`;
    expect(await codeOf(verifier, forged)).toBe('TOKEN_INVALID');
    await new Promise((resolve) => setTimeout(resolve, expiresAt * 1000 - Date.now() + 50));
    expect(await codeOf(verifier, token)).toBe('TOKEN_EXPIRED');
  });
});
