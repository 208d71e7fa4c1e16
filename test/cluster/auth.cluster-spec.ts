import { requestJson } from '#libs/testing';
import { LocalCluster } from '../../tools/stack/local-cluster';
import { createTestCluster, loopRequests, sleep } from './cluster-fixture';

interface Login {
  accessToken: string;
  refreshToken: string;
}

describe('auth: 3 replicas as separate processes behind the real HAProxy', () => {
  let cluster: LocalCluster;
  const replicaUrl = (name: string) => `http://127.0.0.1:${cluster.requireReplica(name).port}`;
  const login = async (code: string): Promise<Login> => {
    const reply = await requestJson<Login>(`${cluster.publicUrl}/api/auth/wechat/login`, { body: { code } });
    expect(reply.status).toBe(200);
    return reply.body;
  };

  beforeAll(async () => {
    // A drain twice the fixture's: on a loaded machine HAProxy's two failed checks and the spec's polling of its
    // status took longer than 2.5 s, and the replica had exited before the spec could see it still running.
    cluster = createTestCluster({ auth: 3 }, { SHUTDOWN_DRAIN_MS: '5000' });
    await cluster.start();
  }, 90000);
  afterAll(() => cluster?.stop(), 60000);

  it('serves the mini-program flow through the load balancer: login, me, refresh, logout', async () => {
    const session = await login('test:alice');
    const me = await requestJson(`${cluster.publicUrl}/api/auth/me`, { token: session.accessToken });
    expect(me.status).toBe(200);
    const refreshed = await requestJson<Login>(`${cluster.publicUrl}/api/auth/refresh`, { body: { refreshToken: session.refreshToken } });
    expect(refreshed.status).toBe(200);
    const logout = await requestJson(`${cluster.publicUrl}/api/auth/logout`, { method: 'POST', token: refreshed.body.accessToken });
    expect(logout.status).toBe(204);
    expect((await requestJson(`${cluster.publicUrl}/api/auth/me`, { token: refreshed.body.accessToken })).status).toBe(401);
  });

  it('a logout on one replica is refused by the other replicas within 1 s', async () => {
    const session = await login('1:bob');
    for (const name of ['auth-2', 'auth-3']) expect((await requestJson(`${replicaUrl(name)}/api/auth/me`, { token: session.accessToken })).status).toBe(200);
    const loggedOutAt = Date.now();
    expect((await requestJson(`${replicaUrl('auth-1')}/api/auth/logout`, { method: 'POST', token: session.accessToken })).status).toBe(204);
    for (const name of ['auth-2', 'auth-3']) {
      const reply = await requestJson(`${replicaUrl(name)}/api/auth/me`, { token: session.accessToken });
      expect(reply.body.code).toBe('SESSION_REVOKED');
    }
    expect(Date.now() - loggedOutAt).toBeLessThan(1000);
  });

  it('the 3 replicas fetched the WeChat access token once between them', async () => {
    const sessions = await Promise.all(['1:carol', '1:dave', '1:erin'].map(login));
    const calls = sessions.flatMap((session, i) =>
      ['auth-1', 'auth-2', 'auth-3'].map((name, j) =>
        requestJson(`${replicaUrl(name)}/api/auth/phone`, { token: session.accessToken, body: { code: `phone:1380013800${i}${j}` } }),
      ),
    );
    const replies = await Promise.all(calls);
    expect(replies.map((reply) => reply.status)).toEqual(Array(9).fill(200));
    const stats = await requestJson(`${cluster.sandboxUrl}/sandbox/stats`);
    expect(stats.body.stable_token.issued).toBe(1);
    expect(stats.body.getuserphonenumber.ok).toBe(9);
  });

  it('SIGKILL of one replica while a client loops over GET /api/auth/me: 0 failed requests', async () => {
    const session = await login('1:frank');
    const stopAfter = sleep(4000);
    const loop = loopRequests(() => fetch(`${cluster.publicUrl}/api/auth/me`, { headers: { authorization: `Bearer ${session.accessToken}` } }), 4, stopAfter);
    await sleep(1000);
    cluster.requireReplica('auth-2').process.signal('SIGKILL');
    const result = await loop;
    process.stdout.write(`SIGKILL during load: ${result.total} requests, ${result.failures.length} failed\n`);
    expect(result.failures).toEqual([]);
    expect(result.total).toBeGreaterThan(100);
    await cluster.waitForBalancerStatus('auth-2', 'DOWN');
    await cluster.restartReplica('auth-2');
    await cluster.waitForBalancerStatus('auth-2', 'UP');
  });

  it('a SIGTERMed replica fails readiness before it stops answering, and drains with 0 failed requests', async () => {
    const session = await login('1:grace');
    const replica = cluster.requireReplica('auth-3');
    const stopAfter = sleep(7000);
    const loop = loopRequests(() => fetch(`${cluster.publicUrl}/api/auth/me`, { headers: { authorization: `Bearer ${session.accessToken}` } }), 4, stopAfter);
    await sleep(500);
    replica.process.signal('SIGTERM');
    await sleep(200);
    const ready = await fetch(`${replicaUrl('auth-3')}/health/ready`);
    expect(ready.status).toBe(503);
    expect((await fetch(`${replicaUrl('auth-3')}/health/live`)).status).toBe(200);
    expect((await requestJson(`${replicaUrl('auth-3')}/api/auth/me`, { token: session.accessToken })).status).toBe(200);
    await cluster.waitForBalancerStatus('auth-3', 'DOWN', 5000);
    expect(replica.process.running).toBe(true);
    expect(await replica.process.exited).toBe(0);
    const result = await loop;
    process.stdout.write(`SIGTERM drain during load: ${result.total} requests, ${result.failures.length} failed\n`);
    expect(result.failures).toEqual([]);
  });
});
