import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findRepoRoot } from '#libs/config';
import { AppName, missingVariables, unknownVariables } from '../app-variables';
import { shellQuote, SshRunner } from './host-runner';
import { parseInventory, readInventory, replicasOf } from './inventory';
import { writeSelfSignedPem } from '../self-signed-pem';
import { VmDeployer } from './vm-deployer';

const root = findRepoRoot(__dirname);
const example = join(root, 'deploy/vm/inventory.example.yml');

describe('deploy/vm inventory', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'vm-deploy-spec-'));
    writeSelfSignedPem(join(dir, 'api.pem'), 'spec');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads the example: two hosts, one balancer, a unit and a server name per replica', () => {
    const inventory = readInventory(example);
    expect(inventory.hosts.map((h) => h.name)).toEqual(['app-1', 'app-2']);
    const replicas = replicasOf(inventory);
    expect(replicas).toHaveLength(10);
    expect(replicas[0]).toMatchObject({ service: 'auth', port: 3001, server: 'app-1-3001', unit: 'mp-auth@3001' });
    expect(replicas.filter((r) => r.service === 'catalog').map((r) => r.server)).toEqual(['app-1-3101', 'app-1-3102', 'app-2-3101', 'app-2-3102']);
  });

  it('renders a balancer config HAProxy accepts, with every replica and TLS', () => {
    const inventory = readInventory(example);
    inventory.balancers[0].tls!.certificate = join(dir, 'api.pem');
    inventory.balancers[0].runtimeSocket = join(dir, 'admin.sock');
    inventory.balancers[0].statsBind = '127.0.0.1:8404';
    const config = new VmDeployer(inventory, new SshRunner(inventory.ssh), () => undefined).renderBalancerConfig('lb-1');
    expect(config).toContain('    server app-2-3102 10.0.0.12:3102');
    expect(config).toContain('ssl crt');
    writeFileSync(join(dir, 'lb-1.cfg'), config);
    const check = spawnSync('haproxy', ['-c', '-f', join(dir, 'lb-1.cfg')], { encoding: 'utf8' });
    expect(`${check.stdout}${check.stderr}`).not.toMatch(/ALERT|WARNING/);
    expect(check.status).toBe(0);
  });

  it.each<[string, string, RegExp]>([
    [
      'an unknown key',
      'hosts:\n  - { name: a, address: 10.0.0.1, services: {}, role: app }\nbalancers: [{ name: lb, address: x, config: /c, runtimeSocket: /s, publicBind: ":80", statsBind: "x:1" }]',
      /unknown key\(s\) role/,
    ],
    [
      'an unknown service',
      'hosts:\n  - { name: a, address: 10.0.0.1, services: { payments: [1] } }\nbalancers: [{ name: lb, address: x, config: /c, runtimeSocket: /s, publicBind: ":80", statsBind: "x:1" }]',
      /unknown key\(s\) payments/,
    ],
    [
      'a port used twice on a host',
      'hosts:\n  - { name: a, address: 10.0.0.1, services: { auth: [3001], catalog: [3001] } }\nbalancers: [{ name: lb, address: x, config: /c, runtimeSocket: /s, publicBind: ":80", statsBind: "x:1" }]',
      /port 3001 twice/,
    ],
    [
      'an upper-case host name',
      'hosts:\n  - { name: App1, address: 10.0.0.1, services: {} }\nbalancers: [{ name: lb, address: x, config: /c, runtimeSocket: /s, publicBind: ":80", statsBind: "x:1" }]',
      /name must be/,
    ],
    ['no balancer', 'hosts: []\nbalancers: []', /at least one HAProxy node/],
    [
      'a balancer without its socket',
      'hosts: []\nbalancers: [{ name: lb, address: x, config: /c, publicBind: ":80", statsBind: "x:1" }]',
      /runtimeSocket is required/,
    ],
  ])('rejects %s', (_, text, message) => {
    expect(() => parseInventory(text)).toThrow(message);
  });
});

describe('deploy/vm systemd units', () => {
  const units = readdirSync(join(root, 'deploy/vm/systemd')).filter((f) => f.endsWith('.service'));

  it('has one template unit per service', () => {
    expect(units.sort()).toEqual(['mp-auth@.service', 'mp-catalog@.service', 'mp-orders@.service', 'mp-upload@.service']);
  });

  it.each(['auth', 'catalog', 'orders', 'upload'])('mp-%s@.service runs the built app on the instance port and outlasts its graceful shutdown', (service) => {
    const text = readFileSync(join(root, 'deploy/vm/systemd', `mp-${service}@.service`), 'utf8');
    expect(text).toContain(`ExecStart=/usr/bin/node /opt/miniprogram/current/dist/apps/${service}/src/main.js`);
    expect(existsSync(join(root, 'apps', service, 'src', 'main.ts'))).toBe(true);
    expect(text).toMatch(/^Environment=NODE_ENV=production PORT=%i /m);
    expect(text).toContain(`EnvironmentFile=/etc/miniprogram/${service}.env`);
    expect(existsSync(join(root, 'deploy/vm/env', `${service}.env.example`))).toBe(true);
    // The app exits within SHUTDOWN_DRAIN_MS (3 s) + 15 s; systemd must not SIGKILL it before.
    expect(Number(/^TimeoutStopSec=(\d+)$/m.exec(text)?.[1])).toBeGreaterThanOrEqual(3 + 15);
    expect(text).toMatch(/^User=miniprogram$/m);
  });

  it('passes systemd-analyze verify with nothing to say', () => {
    const dir = mkdtempSync(join(tmpdir(), 'units-'));
    try {
      for (const unit of units) writeFileSync(join(dir, unit), readFileSync(join(root, 'deploy/vm/systemd', unit)));
      const result = spawnSync('systemd-analyze', ['verify', '--man=no', ...units.map((u) => join(dir, u.replace('@.', '@3001.')))], {
        cwd: dir,
        encoding: 'utf8',
      });
      expect(`${result.stdout}${result.stderr}`.trim()).toBe('');
      expect(result.status).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('deploy/vm env file examples', () => {
  const variables = (file: string) => [...readFileSync(join(root, 'deploy/vm/env', file), 'utf8').matchAll(/^([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]);

  it.each<AppName>(['auth', 'catalog', 'orders', 'upload'])('give the %s unit only variables the app reads, and every one it needs', (app) => {
    // The unit itself sets NODE_ENV, PORT and INSTANCE_ID.
    const set = ['NODE_ENV', 'PORT', 'INSTANCE_ID', ...variables('common.env.example'), ...variables(`${app}.env.example`)];
    expect(unknownVariables(app, set)).toEqual([]);
    expect(missingVariables(app, set)).toEqual([]);
  });
});

describe('SshRunner', () => {
  it('quotes arguments for the remote shell', () => {
    expect(shellQuote('mp-auth@3001')).toBe('mp-auth@3001');
    expect(shellQuote("it's a; rm -rf /")).toBe(`'it'\\''s a; rm -rf /'`);
  });

  it('runs ssh in batch mode with the inventory options and passes stdin through', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fake-ssh-'));
    try {
      writeFileSync(join(dir, 'ssh'), '#!/bin/sh\nfor a in "$@"; do printf "[%s]" "$a"; done\necho\ncat\n');
      chmodSync(join(dir, 'ssh'), 0o755);
      const result = await new SshRunner({ user: 'deploy', port: 2222, options: ['-o', 'ConnectTimeout=5'] }, join(dir, 'ssh')).run(
        '10.0.0.11',
        ['sudo', 'systemctl', 'restart', 'mp-auth@3001', 'a b'],
        { stdin: 'show stat\n' },
      );
      expect(result.code).toBe(0);
      expect(result.stdout).toBe(
        "[-o][BatchMode=yes][-p][2222][-o][ConnectTimeout=5][deploy@10.0.0.11][--][sudo systemctl restart mp-auth@3001 'a b']\nshow stat\n",
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
