import { JsonReply, requestJson } from '#libs/testing';
import { AuthHarness, AuthInstance, startAuthHarness } from './auth-test-harness';

const SENSITIVE_LIMIT = 3;
const DEFAULT_LIMIT = 8;

/** A request from `client` as the load balancer (a trusted peer) forwards it; no XFF when `client` is undefined. */
function from(client: string | undefined, options: Parameters<typeof requestJson>[1] = {}) {
  return { ...options, headers: { ...options.headers, ...(client ? { 'x-forwarded-for': client } : {}) } };
}

const badLogin = (url: string, client?: string) => requestJson(`${url}/api/auth/wechat/login`, from(client, { body: { code: 'invalid-code' } }));

function expectRateLimited(reply: JsonReply): void {
  expect(reply.status).toBe(429);
  expect(reply.body).toEqual({ statusCode: 429, code: 'RATE_LIMITED', message: expect.any(String), requestId: reply.headers.get('x-request-id') });
  const retryAfter = [...reply.headers.entries()].find(([name]) => name.startsWith('retry-after'));
  expect(Number(retryAfter?.[1])).toBeGreaterThan(0);
}

describe('rate limits shared by replicas through Redis (real auth, Redis)', () => {
  let auth: AuthHarness;
  let replica: AuthInstance;
  let untrusting: AuthInstance;

  beforeAll(async () => {
    auth = await startAuthHarness({
      THROTTLE_SENSITIVE_LIMIT: String(SENSITIVE_LIMIT),
      THROTTLE_SENSITIVE_TTL_SECONDS: '60',
      THROTTLE_LIMIT: String(DEFAULT_LIMIT),
      TRUSTED_PROXIES: '127.0.0.1',
      ADMIN_BOOTSTRAP_USERNAME: 'limit-admin',
      ADMIN_BOOTSTRAP_PASSWORD: 'limit admin passphrase',
    });
    replica = await auth.startReplica();
    untrusting = await auth.startReplica({ TRUSTED_PROXIES: '10.9.9.9' });
  });
  afterAll(() => auth.close());

  it('answers the 4th login from one address within the window with 429 RATE_LIMITED; other addresses go on', async () => {
    for (let i = 0; i < SENSITIVE_LIMIT; i++) expect((await badLogin(auth.url, '198.51.100.1')).body.code).toBe('WECHAT_CODE_INVALID');
    expectRateLimited(await badLogin(auth.url, '198.51.100.1'));
    expect((await badLogin(auth.url, '198.51.100.99')).body.code).toBe('WECHAT_CODE_INVALID');
    const user = await requestJson(`${auth.url}/api/auth/wechat/login`, from('198.51.100.1', { body: { code: '1:limited' } }));
    expectRateLimited(user);
  });

  it('shares the count between two replicas', async () => {
    const client = '198.51.100.2';
    expect((await badLogin(auth.url, client)).status).toBe(400);
    expect((await badLogin(replica.url, client)).status).toBe(400);
    expect((await badLogin(auth.url, client)).status).toBe(400);
    expectRateLimited(await badLogin(replica.url, client));
    expectRateLimited(await badLogin(auth.url, client));
  });

  it('counts the address the trusted proxy saw, not what the client wrote into X-Forwarded-For', async () => {
    for (let i = 0; i < SENSITIVE_LIMIT; i++) expect((await badLogin(auth.url, `10.0.0.${i}, 198.51.100.3`)).status).toBe(400);
    expectRateLimited(await badLogin(auth.url, '10.0.0.77, 198.51.100.3'));
  });

  it('ignores X-Forwarded-For from a peer that is not a trusted proxy: all of it counts as 127.0.0.1', async () => {
    for (let i = 0; i < SENSITIVE_LIMIT; i++) expect((await badLogin(untrusting.url, `203.0.113.${i}`)).status).toBe(400);
    expectRateLimited(await badLogin(untrusting.url, '203.0.113.200'));
    expectRateLimited(await badLogin(untrusting.url));
    expect((await badLogin(auth.url, '203.0.113.201')).status).toBe(400);
  });

  it('puts refresh and staff login under the same strict limit', async () => {
    const refresh = () => requestJson(`${auth.url}/api/auth/refresh`, from('198.51.100.4', { body: { refreshToken: 'r'.repeat(43) } }));
    for (let i = 0; i < SENSITIVE_LIMIT; i++) expect((await refresh()).body.code).toBe('REFRESH_TOKEN_INVALID');
    expectRateLimited(await refresh());

    const staffLogin = () =>
      requestJson(`${auth.url}/api/auth/admin/login`, from('198.51.100.4', { body: { username: 'limit-admin', password: 'guessing passphrase' } }));
    for (let i = 0; i < SENSITIVE_LIMIT; i++) expect((await staffLogin()).body.code).toBe('INVALID_CREDENTIALS');
    expectRateLimited(await staffLogin());
    const rightPassword = await requestJson(
      `${auth.url}/api/auth/admin/login`,
      from('198.51.100.4', { body: { username: 'limit-admin', password: 'limit admin passphrase' } }),
    );
    expectRateLimited(rightPassword);
  });

  it('applies THROTTLE_LIMIT to ordinary routes, but never to health and metrics', async () => {
    const login = await requestJson(`${auth.url}/api/auth/wechat/login`, from('198.51.100.5', { body: { code: '1:busy-user' } }));
    expect(login.status).toBe(200);
    const me = () => requestJson(`${auth.url}/api/auth/me`, from('198.51.100.6', { token: login.body.accessToken }));
    for (let i = 0; i < DEFAULT_LIMIT; i++) expect((await me()).status).toBe(200);
    expectRateLimited(await me());
    for (let i = 0; i < DEFAULT_LIMIT + 2; i++) {
      for (const path of ['/health/live', '/health/ready', '/metrics'])
        expect((await requestJson(`${auth.url}${path}`, from('198.51.100.6'))).status).toBe(200);
    }
  });

  it('lets an address in again once the window is over', async () => {
    const shortWindow = await auth.startReplica({ THROTTLE_SENSITIVE_TTL_SECONDS: '1' });
    for (let i = 0; i < SENSITIVE_LIMIT; i++) expect((await badLogin(shortWindow.url, '198.51.100.7')).status).toBe(400);
    expectRateLimited(await badLogin(shortWindow.url, '198.51.100.7'));
    await new Promise((resolve) => setTimeout(resolve, 1200));
    expect((await badLogin(shortWindow.url, '198.51.100.7')).status).toBe(400);
  });
});
