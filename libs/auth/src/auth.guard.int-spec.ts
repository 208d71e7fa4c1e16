import { Controller, Get, Param } from '@nestjs/common';
import { createTestSigningKeys, PlatformTestApp, requestJson, signTestToken, startPlatformTestApp, TestSigningKeys } from '#libs/testing';
import { Authenticated, CurrentAccess, CurrentPrincipal, CurrentUserId, Public, Roles } from './auth.decorators';
import type { CallerAccess } from './auth.decorators';
import type { Principal } from './principal';
import { SessionRevocations } from './session-revocations';
import { SIGNED_LINKS, SignedLinkVerifier } from './signed-links';

/** One route per mode; each answers what the guard handed it. */
@Authenticated({ optional: true })
@Controller('modes')
class ModesController {
  @Public()
  @Get('anyone')
  anyone(): { ok: true } {
    return { ok: true };
  }

  @Get('optional')
  optional(@CurrentAccess() access: CallerAccess): CallerAccess {
    return access;
  }

  @Authenticated({ signedLink: true })
  @Get('linked/:id')
  linked(@Param('id') _id: string, @CurrentAccess() access: CallerAccess): CallerAccess {
    return access;
  }

  @Authenticated()
  @Get('caller')
  caller(@CurrentPrincipal() principal: Principal): Principal {
    return principal;
  }

  @Authenticated({ users: true })
  @Get('users')
  users(@CurrentUserId() userId: string): { userId: string } {
    return { userId };
  }

  @Roles('admin')
  @Get('admins')
  admins(@CurrentPrincipal() principal: Principal): Principal {
    return principal;
  }
}

/** Signed links of the test: `?sig=good-<id>` is valid for `<id>`. */
const testLinks: SignedLinkVerifier<{ id: string }> = {
  verify: ({ params, query }) => (params.id !== undefined && query.sig === `good-${params.id}` ? { id: params.id } : undefined),
};

describe('the auth guard: one route of each mode refuses and accepts the right callers (real Redis)', () => {
  let keys: TestSigningKeys;
  let app: PlatformTestApp;
  const token = (options: Parameters<typeof signTestToken>[1] = {}) =>
    signTestToken(keys.key.privateKeyPem, { kid: keys.key.keyId, subject: '01ARZ3NDEKTSV4RRFFQ69G5FAV', sessionId: '01SESSI0NM0DES000000000000', ...options });
  const get = async (path: string, auth?: string) => requestJson(`${app.url}/modes/${path}`, { headers: auth === undefined ? {} : { authorization: auth } });
  const statusAndCode = async (path: string, auth?: string) => {
    const reply = await get(path, auth);
    return [reply.status, reply.body?.code];
  };
  let user: string;
  let staff: string;
  let admin: string;
  let revoked: string;
  let expired: string;
  const forged = 'Bearer eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl';

  beforeAll(async () => {
    keys = await createTestSigningKeys();
    app = await startPlatformTestApp({
      name: 'authmodes',
      env: keys.publicEnv,
      controllers: [ModesController],
      providers: [{ provide: SIGNED_LINKS, useValue: testLinks }],
    });
    user = `Bearer ${await token()}`;
    staff = `Bearer ${await token({ kind: 'staff', roles: ['staff'] })}`;
    admin = `Bearer ${await token({ kind: 'staff', roles: ['admin'] })}`;
    revoked = `Bearer ${await token({ sessionId: '01SESSI0NREV0KED0000000000' })}`;
    expired = `Bearer ${await token({ issuedAt: Math.floor(Date.now() / 1000) - 900, expiresAt: Math.floor(Date.now() / 1000) - 60 })}`;
    await app.app.get(SessionRevocations).revoke('01SESSI0NREV0KED0000000000', 60);
  });
  afterAll(() => app?.close());

  const badTokens = () => [
    [revoked, 'SESSION_REVOKED'],
    [expired, 'TOKEN_EXPIRED'],
    [forged, 'TOKEN_INVALID'],
    ['Basic dXNlcjpwYXNz', 'UNAUTHENTICATED'],
    ['', 'UNAUTHENTICATED'],
  ];

  it('anyone (@Public): no token, and a token sent is not looked at', async () => {
    for (const auth of [undefined, user, revoked, forged, 'Basic dXNlcjpwYXNz']) expect(await statusAndCode('anyone', auth)).toEqual([200, undefined]);
  });

  it('optional caller: none is fine, a valid one is handed over, a bad one is refused', async () => {
    expect((await get('optional')).body).toEqual({});
    expect((await get('optional', user)).body).toEqual({
      principal: { kind: 'user', id: '01ARZ3NDEKTSV4RRFFQ69G5FAV', sessionId: '01SESSI0NM0DES000000000000', roles: [] },
    });
    for (const [auth, code] of badTokens()) expect(await statusAndCode('optional', auth)).toEqual([401, code]);
  });

  it('signed link: the app verifier reads the link; a caller is optional, but a bad token is refused even with a good link', async () => {
    expect((await get('linked/a1')).body).toEqual({});
    expect((await get('linked/a1?sig=good-a1')).body).toEqual({ signedLink: { id: 'a1' } });
    expect((await get('linked/a1?sig=good-b2')).body).toEqual({});
    expect((await get('linked/a1?sig=good-a1&sig=good-a1')).body).toEqual({});
    expect((await get('linked/a1?sig=good-a1', admin)).body).toEqual({
      principal: expect.objectContaining({ kind: 'staff', roles: ['admin'] }),
      signedLink: { id: 'a1' },
    });
    for (const [auth, code] of badTokens()) expect(await statusAndCode('linked/a1?sig=good-a1', auth)).toEqual([401, code]);
  });

  it('any caller (@Authenticated(), every route by default): a valid token of a user or staff', async () => {
    expect(await statusAndCode('caller')).toEqual([401, 'UNAUTHENTICATED']);
    for (const [auth, code] of badTokens()) expect(await statusAndCode('caller', auth)).toEqual([401, code]);
    for (const auth of [user, staff]) expect(await statusAndCode('caller', auth)).toEqual([200, undefined]);
  });

  it('users only: staff are 403, users get their id', async () => {
    expect(await statusAndCode('users')).toEqual([401, 'UNAUTHENTICATED']);
    expect(await statusAndCode('users', revoked)).toEqual([401, 'SESSION_REVOKED']);
    for (const auth of [staff, admin]) expect(await statusAndCode('users', auth)).toEqual([403, 'FORBIDDEN']);
    expect((await get('users', user)).body).toEqual({ userId: '01ARZ3NDEKTSV4RRFFQ69G5FAV' });
  });

  it('staff with roles: users and staff without the role are 403', async () => {
    expect(await statusAndCode('admins')).toEqual([401, 'UNAUTHENTICATED']);
    expect(await statusAndCode('admins', revoked)).toEqual([401, 'SESSION_REVOKED']);
    const userClaimingAdmin = `Bearer ${await token({ kind: 'user', roles: ['admin'] })}`;
    for (const auth of [user, userClaimingAdmin, staff]) expect(await statusAndCode('admins', auth)).toEqual([403, 'FORBIDDEN']);
    expect(await statusAndCode('admins', admin)).toEqual([200, undefined]);
  });
});
