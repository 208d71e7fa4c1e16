import { LocalCluster } from '../../tools/stack/local-cluster';
import { seedId } from '../../apps/catalog/src/catalog-seed';
import { createTestCluster, sleep } from './cluster-fixture';
import { PrivateServer } from './private-servers';

const ADMIN = { username: 'outage-admin', password: 'outage-admin-password' };
const OUTAGE_MS = 10000;
const RECOVERY_LIMIT_MS = 5000;

interface ProbeResult {
  name: string;
  status: number;
  code?: string;
  ms: number;
}

describe('Redis, NATS and MySQL each stopped for 10 s under a running cluster', () => {
  let cluster: LocalCluster;
  let servers: Record<'redis' | 'nats' | 'mariadb', PrivateServer>;
  let userToken: string;
  let staffToken: string;
  let logins = 0;
  const productPath = `/api/catalog/products/${seedId('product', 3)}`;

  const call = async (name: string, path: string, init: RequestInit = {}): Promise<ProbeResult> => {
    const started = Date.now();
    try {
      const response = await fetch(`${cluster.publicUrl}${path}`, { ...init, signal: AbortSignal.timeout(5000) });
      const body = (await response.json().catch(() => ({}))) as { code?: string };
      return { name, status: response.status, code: body.code, ms: Date.now() - started };
    } catch (error) {
      return { name, status: 0, code: (error as Error).name, ms: Date.now() - started };
    }
  };
  const json = (token: string | undefined, body: unknown): RequestInit => ({
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  const probes = () =>
    Promise.all([
      call('home', '/api/catalog/home'),
      call('product', productPath),
      call('me', '/api/auth/me', { headers: { authorization: `Bearer ${userToken}` } }),
      call('login', '/api/auth/wechat/login', json(undefined, { code: `${++logins}:outage-user` })),
      call('staff write', '/api/catalog/admin/categories', json(staffToken, { name: `c${logins}` })),
    ]);
  const pids = () => [...cluster.replicas.values()].map((replica) => `${replica.name}:${replica.process.pid}:${replica.process.running}`);

  beforeAll(async () => {
    servers = { redis: await PrivateServer.create('redis'), nats: await PrivateServer.create('nats'), mariadb: await PrivateServer.create('mariadb') };
    cluster = createTestCluster(
      { auth: 2, catalog: 2 },
      { ADMIN_BOOTSTRAP_USERNAME: ADMIN.username, ADMIN_BOOTSTRAP_PASSWORD: ADMIN.password },
      { redisUrl: servers.redis.url, natsUrl: servers.nats.url, mysqlAdminUrl: servers.mariadb.url, seedProducts: 50, dropDatabasesOnStop: false },
    );
    await cluster.start();
    userToken = (
      (await (await fetch(`${cluster.publicUrl}/api/auth/wechat/login`, json(undefined, { code: '0:outage-user' }))).json()) as { accessToken: string }
    ).accessToken;
    staffToken = ((await (await fetch(`${cluster.publicUrl}/api/auth/admin/login`, json(undefined, ADMIN))).json()) as { accessToken: string }).accessToken;
    const healthy = await probes();
    expect(healthy.map((probe) => [probe.name, probe.status])).toEqual([
      ['home', 200],
      ['product', 200],
      ['me', 200],
      ['login', 200],
      ['staff write', 201],
    ]);
  }, 120000);

  afterAll(async () => {
    await cluster?.stop();
    for (const server of Object.values(servers ?? {})) if (server.running) await server.stop();
  }, 60000);

  for (const dependency of ['redis', 'nats', 'mariadb'] as const) {
    it(`${dependency}: reads served, what cannot be done refused fast with a clear 503, full service within 5 s of its return`, async () => {
      const before = pids();
      await servers[dependency].stop();
      const during: ProbeResult[] = [];
      const outageEnds = Date.now() + OUTAGE_MS;
      while (Date.now() < outageEnds) {
        during.push(...(await probes()));
        await sleep(250);
      }
      await servers[dependency].start();
      const back = Date.now();
      let recoveredAfter = -1;
      while (Date.now() - back < 15000) {
        const results = await probes();
        if (results.every((probe) => probe.status >= 200 && probe.status < 300)) {
          recoveredAfter = Date.now() - back;
          break;
        }
        await sleep(100);
      }

      const summary = Object.entries(
        during.reduce<Record<string, Record<string, number>>>((acc, probe) => {
          const key = `${probe.status}${probe.code ? ` ${probe.code}` : ''}`;
          acc[probe.name] = { ...acc[probe.name], [key]: (acc[probe.name]?.[key] ?? 0) + 1 };
          return acc;
        }, {}),
      );
      process.stdout.write(
        `${dependency} down ${OUTAGE_MS / 1000} s: ${JSON.stringify(Object.fromEntries(summary))}; slowest ${Math.max(...during.map((p) => p.ms))} ms; full service ${recoveredAfter} ms after its return\n`,
      );

      for (const probe of during) {
        if (probe.name === 'home' || probe.name === 'product') expect([probe.name, probe.status]).toEqual([probe.name, 200]);
        else
          expect([probe.name, probe.status, probe.status === 503 ? probe.code : 'ok']).toEqual([
            probe.name,
            probe.status,
            probe.status === 503 ? 'DEPENDENCY_UNAVAILABLE' : 'ok',
          ]);
        expect(probe.status === 503 || (probe.status >= 200 && probe.status < 300)).toBe(true);
        expect(probe.ms).toBeLessThan(3000);
      }
      expect(recoveredAfter).toBeGreaterThanOrEqual(0);
      expect(recoveredAfter).toBeLessThanOrEqual(RECOVERY_LIMIT_MS);
      expect(pids()).toEqual(before);
    }, 60000);
  }
});
