import { ChildProcess, execFile, spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { ServiceName, SERVICES } from '../../tools/stack/cluster-options';
import { freePort } from '#libs/testing';
import { LocalCluster } from '../../tools/stack/local-cluster';
import { runtimeCommand } from '../../tools/haproxy/haproxy-runtime';
import { findRepoRoot } from '#libs/config';
import { createTestCluster, loopRequests, LoopResult } from './cluster-fixture';

const run = promisify(execFile);
const root = findRepoRoot(__dirname);
const TOOL = join(root, 'deploy/vm/rolling-deploy.sh');

/**
 * deploy/vm/rolling-deploy.sh driven with --local against real replicas: each "host" of the inventory is a set of
 * loopback ports (one replica of every service), the balancer is a real HAProxy in master-worker mode, and a
 * stand-in for systemctl (a script calling back into this test) restarts, starts and stops the replicas and
 * reloads HAProxy. A steady request loop runs through each operation and must see no failure.
 */
describe('VM deployment: rolling restart, scale-out and scale-in under load', () => {
  let cluster: LocalCluster;
  let dir: string;
  let control: Server;
  let haproxy: ChildProcess;
  let haproxyOutput = '';
  let publicUrl = '';
  let socket = '';
  let inventoryFile = '';
  let accessToken = '';
  let uploadId = '';
  let loginCodes = 0;
  const systemctlCalls: string[] = [];
  const hosts: { name: string; replicas: Record<ServiceName, string> }[] = [];

  const replicaByPort = (port: number) => {
    const replica = [...cluster.replicas.values()].find((r) => r.port === port);
    if (!replica) throw new Error(`no replica on port ${port}`);
    return replica;
  };

  /** systemctl as the tool runs it on a host: restart / enable --now / disable --now mp-<service>@<port>..., reload haproxy. */
  async function systemctl(words: string[]): Promise<void> {
    systemctlCalls.push(words.join(' '));
    const [verb, ...rest] = words;
    const units = rest.filter((w) => !w.startsWith('--'));
    if (verb === 'reload' && units[0] === 'haproxy') return void haproxy.kill('SIGUSR2');
    const replicas = units.map((unit) => {
      const match = /^mp-(\w+)@(\d+)$/.exec(unit);
      if (!match) throw new Error(`unknown unit ${unit}`);
      return replicaByPort(Number(match[2]));
    });
    // Like systemd, the units of one command are handled side by side.
    await Promise.all(
      replicas.map(async (replica) => {
        if (verb === 'restart' || verb === 'disable') await replica.process.stop();
        if (verb === 'restart' || (verb === 'enable' && !replica.process.running)) await cluster.restartReplica(replica.name);
      }),
    );
  }

  function writeInventory(hostNames: string[]): void {
    const statsPort = Number(/127\.0\.0\.1:(\d+)/.exec(readFileSync(join(dir, 'stats-bind'), 'utf8'))![1]);
    const inventory = {
      become: [],
      systemctl: [join(dir, 'systemctl')],
      timeouts: { drainSeconds: 20, readySeconds: 60, upSeconds: 20 },
      balancers: [
        {
          name: 'lb-1',
          address: '127.0.0.1',
          config: join(dir, 'haproxy.cfg'),
          runtimeSocket: socket,
          publicBind: readFileSync(join(dir, 'public-bind'), 'utf8'),
          statsBind: `127.0.0.1:${statsPort}`,
        },
      ],
      hosts: hosts
        .filter((h) => hostNames.includes(h.name))
        .map((h) => ({
          name: h.name,
          address: '127.0.0.1',
          services: Object.fromEntries(SERVICES.map((s) => [s, [cluster.requireReplica(h.replicas[s]).port]])),
        })),
    };
    writeFileSync(inventoryFile, JSON.stringify(inventory, null, 2));
  }

  async function tool(...args: string[]): Promise<string> {
    try {
      const { stdout } = await run('sh', [TOOL, ...args, '--inventory', inventoryFile, '--local'], { encoding: 'utf8', timeout: 240_000 });
      return stdout;
    } catch (error) {
      const failure = error as Error & { stdout?: string; stderr?: string };
      throw new Error(`rolling-deploy.sh ${args.join(' ')} failed: ${failure.stderr ?? ''}${failure.stdout ?? ''}${failure.message}`);
    }
  }

  async function stat(): Promise<{ backend: string; server: string; status: string; total: number }[]> {
    const [header, ...rows] = (await runtimeCommand(socket, 'show stat')).split('\n');
    const columns = header.replace(/^#\s*/, '').split(',');
    const [px, sv, st, stot] = ['pxname', 'svname', 'status', 'stot'].map((c) => columns.indexOf(c));
    return rows
      .map((r) => r.split(','))
      .filter((c) => c.length > st && !['FRONTEND', 'BACKEND'].includes(c[sv]))
      .map((c) => ({ backend: c[px], server: c[sv], status: c[st], total: Number(c[stot]) }));
  }

  /** The steady traffic: public and authenticated reads on all four services, and a keyless POST (never retried). */
  function steadyRequest(): () => Promise<Response> {
    let i = 0;
    const auth = () => ({ authorization: `Bearer ${accessToken}` });
    const requests: (() => Promise<Response>)[] = [
      () => fetch(`${publicUrl}/api/catalog/home`),
      () => fetch(`${publicUrl}/api/auth/me`, { headers: auth() }),
      () => fetch(`${publicUrl}/api/orders`, { headers: auth() }),
      () => fetch(`${publicUrl}/api/uploads/${uploadId}`, { headers: auth() }),
      // Each login code works once: a fresh one every time.
      () =>
        fetch(`${publicUrl}/api/auth/wechat/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ code: `${++loginCodes}:vmloop` }),
        }),
    ];
    return () => requests[i++ % requests.length]();
  }

  async function underLoad(what: string, operation: () => Promise<unknown>): Promise<LoopResult> {
    const started = Date.now();
    const done = operation();
    const result = await loopRequests(
      steadyRequest(),
      4,
      done.catch(() => undefined),
    );
    await done;
    const byKind = result.failures.slice(0, 5).join('\n  ');
    console.log(
      `${what}: ${result.total} requests, ${result.failures.length} failed, ${((Date.now() - started) / 1000).toFixed(1)} s${byKind ? `\n  ${byKind}` : ''}`,
    );
    return result;
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'vmd-'));
    socket = join(dir, 'lb.sock');
    inventoryFile = join(dir, 'inventory.yml');
    cluster = createTestCluster({ auth: 2, catalog: 2, orders: 2, upload: 2 }, { SHUTDOWN_DRAIN_MS: '1000' });
    await cluster.start();
    for (const n of [1, 2]) hosts.push({ name: `vm-${n}`, replicas: Object.fromEntries(SERVICES.map((s) => [s, `${s}-${n}`])) as Record<ServiceName, string> });

    control = createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      req.on('end', () => {
        systemctl(body.trim().split(/\s+/)).then(
          () => res.end('ok\n'),
          (error: Error) => {
            res.statusCode = 500;
            res.end(`${error.message}\n`);
          },
        );
      });
    });
    await new Promise<void>((resolve) => control.listen(0, '127.0.0.1', resolve));
    const controlPort = (control.address() as AddressInfo).port;
    writeFileSync(
      join(dir, 'systemctl'),
      `#!/bin/sh\n# systemctl stand-in: the test restarts, starts and stops the replicas and reloads HAProxy.\nexec curl -fsS -m 150 --data-binary "$*" http://127.0.0.1:${controlPort}/\n`,
    );
    chmodSync(join(dir, 'systemctl'), 0o755);

    const [publicPort, statsPort] = [await freePort(), await freePort()];
    writeFileSync(join(dir, 'public-bind'), `127.0.0.1:${publicPort}`);
    writeFileSync(join(dir, 'stats-bind'), `127.0.0.1:${statsPort}`);
    publicUrl = `http://127.0.0.1:${publicPort}`;
    writeInventory(['vm-1', 'vm-2']);

    // The balancer's first config comes from the tool, like a VM provisioned with `render-haproxy lb-1`.
    writeFileSync(join(dir, 'haproxy.cfg'), await tool('render-haproxy', 'lb-1'));
    haproxy = spawn('haproxy', ['-W', '-db', '-f', join(dir, 'haproxy.cfg')], { stdio: ['ignore', 'ignore', 'pipe'] });
    haproxy.stderr?.on('data', (chunk: Buffer) => (haproxyOutput = (haproxyOutput + chunk.toString()).slice(-4000)));
    const deadline = Date.now() + 15_000;
    while ((await stat().catch(() => [])).filter((s) => s.status === 'UP' && !s.backend.endsWith('_live')).length < 8) {
      if (Date.now() > deadline || haproxy.exitCode !== null) throw new Error(`HAProxy did not come up:\n${haproxyOutput}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }

    const login = await fetch(`${publicUrl}/api/auth/wechat/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"code":"test:vmdeploy"}',
    });
    accessToken = ((await login.json()) as { accessToken: string }).accessToken;
    expect(accessToken).toBeTruthy();
    const form = new FormData();
    form.append(
      'file',
      new Blob(
        [
          await sharp({ create: { width: 8, height: 8, channels: 3, background: '#c00' } })
            .png()
            .toBuffer(),
        ],
        { type: 'image/png' },
      ),
      'dot.png',
    );
    const uploaded = await fetch(`${publicUrl}/api/uploads`, { method: 'POST', headers: { authorization: `Bearer ${accessToken}` }, body: form });
    expect(uploaded.status).toBe(201);
    uploadId = ((await uploaded.json()) as { id: string }).id;
  }, 180_000);

  afterAll(async () => {
    if (haproxy?.pid !== undefined && haproxy.exitCode === null) {
      const exited = new Promise((resolve) => haproxy.once('exit', resolve));
      haproxy.kill('SIGTERM');
      await exited;
    }
    await new Promise((resolve) => (control ? control.close(resolve) : resolve(undefined)));
    await cluster?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it('restarts every replica host by host with no failed request', async () => {
    const pidsBefore = new Map([...cluster.replicas.values()].map((r) => [r.name, r.process.pid]));
    const result = await underLoad('rolling restart of vm-1 and vm-2', () => tool('rolling-restart'));
    expect(result.failures).toEqual([]);
    expect(result.total).toBeGreaterThan(100);
    for (const [name, pid] of pidsBefore) expect([name, cluster.requireReplica(name).process.pid]).not.toEqual([name, pid]);
    expect(systemctlCalls.filter((c) => c.startsWith('restart'))).toHaveLength(2);
    expect((await stat()).every((s) => s.status === 'UP')).toBe(true);
  }, 240_000);

  it('adds a host (scale-out) with no failed request, and routes to it', async () => {
    // Provisioning the new VM: its replicas are installed and running before the tool routes to them.
    const replicas = await Promise.all(SERVICES.map((service) => cluster.startReplica(service)));
    hosts.push({ name: 'vm-3', replicas: Object.fromEntries(replicas.map((r) => [r.service, r.name])) as Record<ServiceName, string> });
    writeInventory(['vm-1', 'vm-2', 'vm-3']);
    const result = await underLoad('scale-out: add vm-3', () => tool('add-host', 'vm-3'));
    expect(result.failures).toEqual([]);
    expect(readFileSync(join(dir, 'haproxy.cfg'), 'utf8')).toContain(`server vm-3-${replicas[1].port} 127.0.0.1:${replicas[1].port}`);
    for (let i = 0; i < 12; i++) await (await fetch(`${publicUrl}/api/catalog/home`)).arrayBuffer();
    const vm3 = (await stat()).filter((s) => s.server.startsWith('vm-3-') && !s.backend.endsWith('_live'));
    expect(vm3.map((s) => s.status)).toEqual(['UP', 'UP', 'UP', 'UP']);
    expect(vm3.find((s) => s.backend === 'catalog')!.total).toBeGreaterThan(0);
  }, 240_000);

  it('removes a host (scale-in) with no failed request, then stops its replicas', async () => {
    const result = await underLoad('scale-in: remove vm-1', () => tool('remove-host', 'vm-1'));
    expect(result.failures).toEqual([]);
    expect(readFileSync(join(dir, 'haproxy.cfg'), 'utf8')).not.toMatch(/server vm-1-/);
    expect((await stat()).some((s) => s.server.startsWith('vm-1-'))).toBe(false);
    for (const service of SERVICES) expect(cluster.requireReplica(`${service}-1`).process.running).toBe(false);
    const after = await underLoad('traffic on vm-2 and vm-3 afterwards', () => new Promise((resolve) => setTimeout(resolve, 2000)));
    expect(after.failures).toEqual([]);
  }, 240_000);
});
