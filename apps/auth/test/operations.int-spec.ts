import { ShutdownState } from '#libs/health';
import { requestJson, startPrivateNats } from '#libs/testing';
import { AuthHarness, loginAs, loginStaff, startAuthHarness } from './auth-test-harness';

const ADMIN = { username: 'ops-admin', password: 'ops admin passphrase' };
const DEAD_REDIS = 'redis://127.0.0.1:1/0';

/** The lines of /metrics once `predicate` holds for one of them (the histogram is written when the response has finished). */
async function metricsWhen(url: string, predicate: (line: string) => boolean): Promise<string[]> {
  let lines: string[] = [];
  for (let attempt = 0; attempt < 20; attempt++) {
    lines = String((await requestJson(`${url}/metrics`)).body).split('\n');
    if (lines.some(predicate)) break;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return lines;
}

describe('health and metrics (real auth, MariaDB, Redis, NATS)', () => {
  let auth: AuthHarness;
  beforeAll(async () => {
    auth = await startAuthHarness({ ADMIN_BOOTSTRAP_USERNAME: ADMIN.username, ADMIN_BOOTSTRAP_PASSWORD: ADMIN.password });
  });
  afterAll(() => auth.close());

  it('is live and ready with MySQL, Redis and NATS up, without a token', async () => {
    const live = await requestJson(`${auth.url}/health/live`);
    expect(live.status).toBe(200);
    expect(live.body).toEqual({ status: 'ok' });
    const ready = await requestJson(`${auth.url}/health/ready`);
    expect(ready.status).toBe(200);
    expect(ready.body).toMatchObject({ status: 'ok', info: { mysql: { status: 'up' }, redis: { status: 'up' }, nats: { status: 'up' } } });
  });

  it('fails readiness (but not liveness) once draining', async () => {
    const replica = await auth.startReplica();
    replica.app.get(ShutdownState).beginDrain();
    expect((await requestJson(`${replica.url}/health/ready`)).status).toBe(503);
    expect((await requestJson(`${replica.url}/health/live`)).status).toBe(200);
    expect((await requestJson(`${auth.url}/health/ready`)).status).toBe(200);
  });

  it('labels latency by route pattern, never by raw URL, and serves process metrics without a token', async () => {
    const user = await loginAs(auth.url, '1:metrics-user');
    expect((await requestJson(`${auth.url}/api/auth/me`, { token: user.accessToken })).status).toBe(200);
    const admin = await loginStaff(auth.url, ADMIN.username, ADMIN.password);
    const created = await requestJson(`${auth.url}/api/auth/admin/staff`, {
      token: admin.accessToken,
      body: { username: 'metered', password: 'metered passphrase', role: 'staff' },
    });
    const id: string = created.body.id;
    expect((await requestJson(`${auth.url}/api/auth/admin/staff/${id}`, { method: 'DELETE', token: admin.accessToken })).status).toBe(204);
    const strayPath = `/api/auth/no-such-thing/${id}`;
    expect((await requestJson(`${auth.url}${strayPath}`)).status).toBe(404);

    const scrape = await requestJson(`${auth.url}/metrics`);
    expect(scrape.status).toBe(200);
    expect(scrape.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const lines = await metricsWhen(auth.url, (line) => line.includes('route="unmatched"'));
    const bucket = (method: string, route: string, status: number) =>
      lines.some(
        (line) =>
          line.startsWith('http_request_duration_seconds_bucket{') &&
          line.includes(`method="${method}"`) &&
          line.includes(`route="${route}"`) &&
          line.includes(`status_code="${status}"`),
      );
    expect(bucket('GET', '/api/auth/me', 200)).toBe(true);
    expect(bucket('DELETE', '/api/auth/admin/staff/:id', 204)).toBe(true);
    expect(bucket('GET', 'unmatched', 404)).toBe(true);
    expect(lines.join('\n')).not.toContain(id);
    expect(lines.some((line) => line.startsWith('http_request_duration_seconds_bucket{') && line.includes('service="auth"'))).toBe(true);
    for (const name of ['process_cpu_user_seconds_total', 'process_resident_memory_bytes', 'nodejs_eventloop_lag_seconds', 'nodejs_heap_size_used_bytes']) {
      expect(lines.some((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `))).toBe(true);
    }
  });

  it('fails readiness, naming NATS, when its NATS server goes away', async () => {
    const nats = await startPrivateNats();
    try {
      const replica = await auth.startReplica({ NATS_URL: nats.url });
      expect((await requestJson(`${replica.url}/health/ready`)).status).toBe(200);
      await nats.stop();
      const ready = await requestJson(`${replica.url}/health/ready`);
      expect(ready.status).toBe(503);
      expect(ready.body.error).toMatchObject({ nats: { status: 'down' } });
      expect((await requestJson(`${replica.url}/health/live`)).status).toBe(200);
    } finally {
      await nats.stop();
    }
  });

  describe('with Redis unreachable', () => {
    it('fails readiness, naming Redis', async () => {
      const replica = await auth.startReplica({ REDIS_URL: DEAD_REDIS });
      const ready = await requestJson(`${replica.url}/health/ready`);
      expect(ready.status).toBe(503);
      expect(ready.body.error).toMatchObject({ redis: { status: 'down' } });
      expect(ready.body.details).toMatchObject({ mysql: { status: 'up' }, nats: { status: 'up' } });
    });

    it('refuses tokens it cannot check for revocation (503 DEPENDENCY_UNAVAILABLE) but keeps public routes up, unthrottled', async () => {
      const user = await loginAs(auth.url, '1:redis-outage-user');
      const replica = await auth.startReplica({ REDIS_URL: DEAD_REDIS, THROTTLE_SENSITIVE_LIMIT: '1' });
      const me = await requestJson(`${replica.url}/api/auth/me`, { token: user.accessToken });
      expect(me.status).toBe(503);
      expect(me.body).toMatchObject({ statusCode: 503, code: 'DEPENDENCY_UNAVAILABLE', requestId: me.headers.get('x-request-id') });
      for (let i = 0; i < 2; i++) {
        const login = await requestJson(`${replica.url}/api/auth/wechat/login`, { body: { code: 'invalid-code' } });
        expect(login.body.code).toBe('WECHAT_CODE_INVALID');
      }
    });
  });
});
