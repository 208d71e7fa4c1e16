import { Controller, Get } from '@nestjs/common';
import { createTestSigningKeys, PlatformTestApp, requestJson, signTestToken, startPlatformTestApp, TestSigningKeys } from '#libs/testing';
import { CurrentPrincipal, Public, Roles } from './auth.decorators';
import type { Principal } from './principal';
import { SessionRevocations } from './session-revocations';

@Controller('probe')
class ProbeController {
  @Get('whoami')
  whoami(@CurrentPrincipal() principal: Principal): Principal {
    return principal;
  }

  @Roles('admin')
  @Get('admin')
  admin(): { ok: true } {
    return { ok: true };
  }

  @Public()
  @Get('open')
  open(): { ok: true } {
    return { ok: true };
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the auth guard and session revocations across independent services (real Redis)', () => {
  let keys: TestSigningKeys;
  let revoker: PlatformTestApp;
  let other: PlatformTestApp;
  let otherCluster: PlatformTestApp;
  const token = (sessionId: string, options: Parameters<typeof signTestToken>[1] = {}) =>
    signTestToken(keys.key.privateKeyPem, { kid: keys.key.keyId, sessionId, subject: '01ARZ3NDEKTSV4RRFFQ69G5FAV', ...options });
  const whoami = async (app: PlatformTestApp, sessionId: string) => requestJson(`${app.url}/probe/whoami`, { token: await token(sessionId) });

  beforeAll(async () => {
    keys = await createTestSigningKeys();
    revoker = await startPlatformTestApp({ name: 'revoker', env: keys.publicEnv, controllers: [ProbeController] });
    other = await startPlatformTestApp({
      name: 'bystander',
      env: { ...keys.publicEnv, REDIS_SHARED_PREFIX: revoker.env.REDIS_SHARED_PREFIX },
      controllers: [ProbeController],
    });
    otherCluster = await startPlatformTestApp({ name: 'elsewhere', env: keys.publicEnv, controllers: [ProbeController] });
  });
  afterAll(() => Promise.allSettled([other, otherCluster, revoker].filter(Boolean).map((app) => app.close())));

  it('makes every service sharing the prefix refuse a revoked session at once, and only that session', async () => {
    expect((await whoami(other, '01SESSIONREVOKED0000000000')).status).toBe(200);
    await revoker.app.get(SessionRevocations).revoke('01SESSIONREVOKED0000000000', 60);
    for (const app of [other, revoker]) {
      const reply = await whoami(app, '01SESSIONREVOKED0000000000');
      expect(reply.status).toBe(401);
      expect(reply.body).toMatchObject({ statusCode: 401, code: 'SESSION_REVOKED', requestId: reply.headers.get('x-request-id') });
    }
    expect((await whoami(other, '01SESSI0NSTILLLIVE00000000')).status).toBe(200);
    expect((await whoami(otherCluster, '01SESSIONREVOKED0000000000')).status).toBe(200);
  });

  it('keeps a revocation for its TTL (at least a second), then forgets it', async () => {
    const revocations = revoker.app.get(SessionRevocations);
    await revocations.revoke('01SESSI0NSH0RT000000000000', 1);
    await revocations.revoke('01SESSI0NZER0TTL0000000000', 0);
    expect((await whoami(other, '01SESSI0NSH0RT000000000000')).body.code).toBe('SESSION_REVOKED');
    expect((await whoami(other, '01SESSI0NZER0TTL0000000000')).body.code).toBe('SESSION_REVOKED');
    await sleep(1200);
    expect((await whoami(other, '01SESSI0NSH0RT000000000000')).status).toBe(200);
  });

  it('guards every route unless @Public(), hands the principal to the handler and narrows @Roles() to staff with the role', async () => {
    expect((await requestJson(`${other.url}/probe/open`)).status).toBe(200);
    expect((await requestJson(`${other.url}/probe/whoami`)).body.code).toBe('UNAUTHENTICATED');
    const user = await requestJson(`${other.url}/probe/whoami`, { token: await token('01SESSI0NUSER0000000000000') });
    expect(user.body).toEqual({ kind: 'user', id: '01ARZ3NDEKTSV4RRFFQ69G5FAV', sessionId: '01SESSI0NUSER0000000000000', roles: [] });

    const admin = (roles: string[], kind = 'staff') => token('01SESSI0NR0LES000000000000', { kind, roles });
    for (const forbidden of [await admin([], 'user'), await admin(['admin'], 'user'), await admin(['staff']), await admin([])]) {
      const reply = await requestJson(`${other.url}/probe/admin`, { token: forbidden });
      expect(reply.status).toBe(403);
      expect(reply.body.code).toBe('FORBIDDEN');
    }
    expect((await requestJson(`${other.url}/probe/admin`, { token: await admin(['staff', 'admin']) })).status).toBe(200);
  });
});
