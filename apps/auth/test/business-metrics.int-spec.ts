import { MetricsScrape, requestJson, scrapeMetrics } from '#libs/testing';
import { AuthHarness, loginAs, loginStaff, startAuthHarness } from './auth-test-harness';

const ADMIN = { username: 'metrics-admin', password: 'metrics admin passphrase' };
const faults = (auth: AuthHarness, body: object) => requestJson(`${auth.sandbox.url}/sandbox/faults`, { body });

/** How much each series moved between two scrapes. */
async function movement(auth: AuthHarness, act: () => Promise<unknown>): Promise<(name: string, labels?: Record<string, string>) => number> {
  const before: MetricsScrape = await scrapeMetrics(auth.url);
  await act();
  const after = await scrapeMetrics(auth.url);
  return (name, labels = {}) => after.value(name, labels) - before.value(name, labels);
}

describe('business metrics of auth (real auth, MariaDB, Redis, NATS, WeChat sandbox)', () => {
  let auth: AuthHarness;
  beforeAll(async () => {
    auth = await startAuthHarness({ ADMIN_BOOTSTRAP_USERNAME: ADMIN.username, ADMIN_BOOTSTRAP_PASSWORD: ADMIN.password, DATABASE_POOL_SIZE: '7' });
  });
  afterAll(() => auth.close());

  it('counts WeChat logins by result and the jscode2session calls behind them by result', async () => {
    const moved = await movement(auth, async () => {
      await loginAs(auth.url, '1:metrics-alice');
      expect((await requestJson(`${auth.url}/api/auth/wechat/login`, { body: { code: '1:metrics-alice' } })).body.code).toBe('WECHAT_CODE_INVALID');
    });
    expect(moved('auth_logins_total', { kind: 'wechat', result: 'success' })).toBe(1);
    expect(moved('auth_logins_total', { kind: 'wechat', result: 'wechat_code_invalid' })).toBe(1);
    expect(moved('wechat_api_requests_total', { api: 'jscode2session', result: 'ok' })).toBe(1);
    expect(moved('wechat_api_requests_total', { api: 'jscode2session', result: 'invalid_input' })).toBe(1);
    expect(moved('wechat_api_request_duration_seconds_count', { api: 'jscode2session' })).toBe(2);
  });

  it('counts WeChat outages and busy answers as such, and the logins they fail', async () => {
    const moved = await movement(auth, async () => {
      await faults(auth, { outage: true });
      try {
        expect((await requestJson(`${auth.url}/api/auth/wechat/login`, { body: { code: '1:metrics-outage' } })).body.code).toBe('WECHAT_UNAVAILABLE');
      } finally {
        await faults(auth, { outage: false });
      }
      await faults(auth, { systemBusy: true });
      try {
        expect((await requestJson(`${auth.url}/api/auth/wechat/login`, { body: { code: '1:metrics-busy' } })).body.code).toBe('WECHAT_UNAVAILABLE');
      } finally {
        await faults(auth, { systemBusy: false });
      }
    });
    expect(moved('wechat_api_requests_total', { api: 'jscode2session', result: 'unreachable' })).toBe(1);
    expect(moved('wechat_api_requests_total', { api: 'jscode2session', result: 'busy' })).toBe(1);
    expect(moved('auth_logins_total', { kind: 'wechat', result: 'wechat_unavailable' })).toBe(2);
  });

  it('counts the phone-number and stable_token calls', async () => {
    const user = await loginAs(auth.url, '1:metrics-phone');
    const moved = await movement(auth, async () => {
      expect((await requestJson(`${auth.url}/api/auth/phone`, { token: user.accessToken, body: { code: 'phone:13800138000' } })).status).toBe(200);
    });
    expect(moved('wechat_api_requests_total', { api: 'getuserphonenumber', result: 'ok' })).toBe(1);
    expect(moved('wechat_api_requests_total', { api: 'stable_token' })).toBeLessThanOrEqual(1);
  });

  it('counts staff logins by result', async () => {
    const moved = await movement(auth, async () => {
      await loginStaff(auth.url, ADMIN.username, ADMIN.password);
      expect((await requestJson(`${auth.url}/api/auth/admin/login`, { body: { username: ADMIN.username, password: 'wrong passphrase' } })).status).toBe(401);
    });
    expect(moved('auth_logins_total', { kind: 'staff', result: 'success' })).toBe(1);
    expect(moved('auth_logins_total', { kind: 'staff', result: 'invalid_credentials' })).toBe(1);
  });

  it('counts refreshes by result and revoked sessions by reason (logout, refresh-token reuse)', async () => {
    const first = await loginAs(auth.url, '1:metrics-refresh');
    const moved = await movement(auth, async () => {
      const rotated = await requestJson(`${auth.url}/api/auth/refresh`, { body: { refreshToken: first.refreshToken } });
      expect(rotated.status).toBe(200);
      expect((await requestJson(`${auth.url}/api/auth/refresh`, { body: { refreshToken: first.refreshToken } })).body.code).toBe('REFRESH_TOKEN_REUSED');
      expect((await requestJson(`${auth.url}/api/auth/refresh`, { body: { refreshToken: 'x'.repeat(43) } })).body.code).toBe('REFRESH_TOKEN_INVALID');
      const other = await loginAs(auth.url, '1:metrics-logout');
      expect((await requestJson(`${auth.url}/api/auth/logout`, { method: 'POST', token: other.accessToken })).status).toBe(204);
    });
    expect(moved('auth_token_refreshes_total', { result: 'rotated' })).toBe(1);
    expect(moved('auth_token_refreshes_total', { result: 'refresh_token_reused' })).toBe(1);
    expect(moved('auth_token_refreshes_total', { result: 'refresh_token_invalid' })).toBe(1);
    expect(moved('auth_sessions_revoked_total', { reason: 'refresh_token_reuse' })).toBe(1);
    expect(moved('auth_sessions_revoked_total', { reason: 'logout' })).toBe(1);
  });

  it('samples the MySQL pool on each scrape: its limit, connections in use and idle, queries waiting', async () => {
    await Promise.all(Array.from({ length: 5 }, (_, i) => loginAs(auth.url, `1:metrics-pool-${i}`)));
    const scrape = await scrapeMetrics(auth.url);
    expect(scrape.value('db_pool_max_connections')).toBe(7);
    const open = scrape.value('db_pool_connections');
    expect(open).toBeGreaterThanOrEqual(1);
    expect(open).toBeLessThanOrEqual(7);
    expect(scrape.has('db_pool_connections', { state: 'in_use' })).toBe(true);
    expect(scrape.has('db_pool_connections', { state: 'idle' })).toBe(true);
    expect(scrape.value('db_pool_pending_acquires')).toBe(0);
  });

  it('records each dependency the readiness check reached in dependency_up', async () => {
    expect((await requestJson(`${auth.url}/health/ready`)).status).toBe(200);
    const scrape = await scrapeMetrics(auth.url);
    for (const dependency of ['mysql', 'redis', 'nats']) expect(scrape.value('dependency_up', { dependency, service: 'auth' })).toBe(1);
  });

  it('records a dependency it cannot reach as 0', async () => {
    const replica = await auth.startReplica({ REDIS_URL: 'redis://127.0.0.1:1/0' });
    expect((await requestJson(`${replica.url}/health/ready`)).status).toBe(503);
    const scrape = await scrapeMetrics(replica.url);
    expect(scrape.value('dependency_up', { dependency: 'redis' })).toBe(0);
    expect(scrape.value('dependency_up', { dependency: 'mysql' })).toBe(1);
  });
});
