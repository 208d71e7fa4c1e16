import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findRepoRoot } from '#libs/config';
import { getMetadataStorage } from 'class-validator';
import { BackupEnv } from '../../backup/backup-env';
import { AppName, missingOneProcessVariables, missingVariables, unknownOneProcessVariables, unknownVariables } from '../app-variables';
import { CommandResult, HostRunner, shellQuote, SshRunner } from './host-runner';
import { Inventory, parseInventory, readInventory, replicasOf } from './inventory';
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

  it('has one template unit per service, and one for every service in one process', () => {
    expect(units.filter((unit) => /^mp-.*@\.service$/.test(unit)).sort()).toEqual([
      'mp-all@.service',
      'mp-auth@.service',
      'mp-catalog@.service',
      'mp-orders@.service',
      'mp-upload@.service',
    ]);
  });

  it.each(['auth', 'catalog', 'orders', 'upload', 'all'])(
    'mp-%s@.service runs the built app on the instance port and outlasts its graceful shutdown',
    (service) => {
      const text = readFileSync(join(root, 'deploy/vm/systemd', `mp-${service}@.service`), 'utf8');
      expect(text).toContain(`ExecStart=/usr/bin/node /opt/miniprogram/current/dist/apps/${service}/src/main.js`);
      expect(existsSync(join(root, 'apps', service, 'src', 'main.ts'))).toBe(true);
      expect(text).toMatch(/^Environment=NODE_ENV=production PORT=%i /m);
      expect(text).toContain(`EnvironmentFile=/etc/miniprogram/${service}.env`);
      expect(existsSync(join(root, 'deploy/vm/env', `${service}.env.example`))).toBe(true);
      // The app exits within SHUTDOWN_DRAIN_MS (3 s) + 15 s; systemd must not SIGKILL it before.
      expect(Number(/^TimeoutStopSec=(\d+)$/m.exec(text)?.[1])).toBeGreaterThanOrEqual(3 + 15);
      expect(text).toMatch(/^User=miniprogram$/m);
    },
  );

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

  it('give the all unit only variables some service reads (as <SERVICE>_<NAME> or shared), and every one each service needs', () => {
    const set = ['NODE_ENV', 'PORT', 'INSTANCE_ID', ...variables('common.env.example'), ...variables('all.env.example')];
    expect(unknownOneProcessVariables(set)).toEqual([]);
    expect(missingOneProcessVariables(set)).toEqual({});
    // Only each service's own lines: the shared ones are common.env's.
    expect(variables('all.env.example').filter((name) => !/^(AUTH|CATALOG|ORDERS|UPLOAD)_/.test(name))).toEqual([]);
  });

  it('name in all.env exactly what each <service>.env names, prefixed (so splitting is removing the prefix)', () => {
    const own = (['auth', 'catalog', 'orders', 'upload'] as const).flatMap((app) =>
      variables(`${app}.env.example`).map((name) => (name.startsWith(`${app.toUpperCase()}_`) ? name : `${app.toUpperCase()}_${name}`)),
    );
    const all = variables('all.env.example');
    // Split hosts usually store uploads in a bucket, the one VM on its disk: only the upload lines may differ.
    expect(own.filter((name) => !name.startsWith('UPLOAD_S3_') && !all.includes(name))).toEqual([]);
  });

  it("give the backup only variables it reads (backup.env, with upload.env's or all.env's)", () => {
    const declared = new Set(
      getMetadataStorage()
        .getTargetValidationMetadatas(BackupEnv, '', true, false)
        .map((m) => m.propertyName),
    );
    const unknown = variables('backup.env.example').filter((name) => !declared.has(name) && !declared.has(name.replace(/_FILE$/, '')));
    expect(unknown).toEqual([]);
    expect(variables('backup.env.example')).toEqual(expect.arrayContaining(['BACKUP_DIR', 'AUTH_DATABASE_URL_FILE', 'UPLOAD_DATABASE_URL_FILE']));
    const unit = readFileSync(join(root, 'deploy/vm/systemd/mp-backup.service'), 'utf8');
    expect(unit).toMatch(/^EnvironmentFile=-\/etc\/miniprogram\/all\.env$/m);
  });
});

describe('deploy/vm: a host running every service in one process (services.all)', () => {
  const stage2 = join(root, 'deploy/vm/inventory.stage2.example.yml');
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'vm-all-spec-'));
    writeSelfSignedPem(join(dir, 'api.pem'), 'spec');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads the stage-2 example: one host, two mp-all units, each a server of every backend', () => {
    const replicas = replicasOf(readInventory(stage2));
    expect(replicas.map(({ service, server, unit, backends }) => ({ service, server, unit, backends }))).toEqual(
      [3000, 3010].map((port) => ({ service: 'all', server: `app-1-${port}`, unit: `mp-all@${port}`, backends: ['auth', 'catalog', 'orders', 'upload'] })),
    );
  });

  it('renders a config HAProxy accepts, with the processes in every backend', () => {
    const inventory = readInventory(stage2);
    inventory.balancers[0].tls!.certificate = join(dir, 'api.pem');
    inventory.balancers[0].runtimeSocket = join(dir, 'admin.sock');
    const config = new VmDeployer(inventory, new SshRunner(inventory.ssh), () => undefined).renderBalancerConfig('lb-1');
    for (const backend of ['auth', 'auth_live', 'catalog', 'catalog_live', 'orders', 'orders_live', 'upload', 'upload_live']) {
      const body = config.slice(config.indexOf(`\nbackend ${backend}\n`) + 1).split(/\n(?=\S)/)[0];
      expect([backend, [...body.matchAll(/^\s*server (\S+) (\S+)/gm)].map((m) => `${m[1]} ${m[2]}`)]).toEqual([
        backend,
        ['app-1-3000 10.0.0.11:3000', 'app-1-3010 10.0.0.11:3010'],
      ]);
    }
    writeFileSync(join(dir, 'lb-1.cfg'), config);
    const check = spawnSync('haproxy', ['-c', '-f', join(dir, 'lb-1.cfg')], { encoding: 'utf8' });
    expect(`${check.stdout}${check.stderr}`).not.toMatch(/ALERT|WARNING/);
    expect(check.status).toBe(0);
  });

  it('accepts `all` beside split services (moving from one to the other), and refuses a port used twice', () => {
    const balancers = 'balancers: [{ name: lb, address: x, config: /c, runtimeSocket: /s, publicBind: ":80", statsBind: "x:1" }]';
    const both = parseInventory(`hosts:\n  - { name: a, address: 10.0.0.1, services: { all: [3000], auth: [3001] } }\n${balancers}`);
    expect(replicasOf(both).map((r) => `${r.unit} ${r.backends.join(',')}`)).toEqual(['mp-auth@3001 auth', 'mp-all@3000 auth,catalog,orders,upload']);
    expect(() => parseInventory(`hosts:\n  - { name: a, address: 10.0.0.1, services: { all: [3000], auth: [3000] } }\n${balancers}`)).toThrow(
      /port 3000 twice/,
    );
  });

  /** The balancer's runtime API and the hosts' systemctl and curl, in memory: what the deployer asks and sees. */
  class FakeCluster implements HostRunner {
    readonly state = new Map<string, string>();
    readonly log: string[] = [];
    constructor(inventory: Inventory) {
      for (const replica of replicasOf(inventory)) {
        for (const backend of replica.backends) for (const row of [backend, `${backend}_live`]) this.state.set(`${row}/${replica.server}`, 'UP');
      }
    }

    run(_address: string, argv: string[], options: { stdin?: string } = {}): Promise<CommandResult> {
      const ok = (stdout = '') => Promise.resolve({ code: 0, stdout, stderr: '' });
      if (argv.includes('socat')) {
        const command = (options.stdin ?? '').trim();
        if (command === 'show stat')
          return ok(['# pxname,svname,scur,status', ...[...this.state].map(([key, status]) => `${key.replace('/', ',')},0,${status}`)].join('\n'));
        const set = /^set server (\S+) state (\w+)$/.exec(command);
        if (!set) throw new Error(`unexpected runtime command ${command}`);
        this.log.push(`${set[2]} ${set[1]}`);
        this.state.set(set[1], set[2] === 'ready' ? 'UP' : set[2].toUpperCase());
        return ok();
      }
      if (argv[0] === 'systemctl') this.log.push(argv.join(' '));
      return ok();
    }
  }

  const inventoryWith = (hosts: string) =>
    parseInventory(
      `systemctl: [systemctl]\nbecome: []\ntimeouts: { upSeconds: 2, drainSeconds: 1, readySeconds: 2 }\n` +
        `balancers: [{ name: lb-1, address: 127.0.0.1, config: /c, runtimeSocket: /s, publicBind: ":80", statsBind: "127.0.0.1:1" }]\nhosts:\n${hosts}`,
    );

  it('restarts the two processes of a lone host one at a time, each drained and back UP in every backend', async () => {
    const inventory = readInventory(stage2);
    Object.assign(inventory, { systemctl: ['systemctl'], become: [], timeouts: { upSeconds: 2, drainSeconds: 1, readySeconds: 2 } });
    const fake = new FakeCluster(inventory);
    await new VmDeployer(inventory, fake, () => undefined).rollingRestart();
    const rows = (server: string) => [...fake.state.keys()].filter((key) => key.endsWith(`/${server}`));
    expect(rows('app-1-3000')).toHaveLength(8);
    expect(fake.log).toEqual([
      ...rows('app-1-3000').map((row) => `drain ${row}`),
      'systemctl restart mp-all@3000',
      ...rows('app-1-3000').map((row) => `ready ${row}`),
      ...rows('app-1-3010').map((row) => `drain ${row}`),
      'systemctl restart mp-all@3010',
      ...rows('app-1-3010').map((row) => `ready ${row}`),
    ]);
  });

  it('restarts a host at once when another host carries every backend, and refuses to stop a lone process', async () => {
    const two = inventoryWith(
      '  - { name: app-1, address: 127.0.0.1, services: { all: [3000] } }\n  - { name: app-2, address: 127.0.0.1, services: { auth: [3001], catalog: [3101], orders: [3201], upload: [3301] } }',
    );
    const fake = new FakeCluster(two);
    await new VmDeployer(two, fake, () => undefined).rollingRestart();
    expect(fake.log.filter((line) => line.startsWith('systemctl'))).toEqual([
      'systemctl restart mp-all@3000',
      'systemctl restart mp-auth@3001 mp-catalog@3101 mp-orders@3201 mp-upload@3301',
    ]);

    const lone = inventoryWith('  - { name: app-1, address: 127.0.0.1, services: { all: [3000] } }');
    const loneFake = new FakeCluster(lone);
    await expect(new VmDeployer(lone, loneFake, () => undefined).rollingRestart()).rejects.toThrow(
      /no other replica UP for lb-1: auth; lb-1: catalog; lb-1: orders; lb-1: upload: taking app-1-3000 of app-1 out/,
    );
    expect(loneFake.log).toEqual([]);

    // A split host whose catalog another host's `all` carries may go; with that process down, it may not.
    const mixed = inventoryWith(
      '  - { name: app-1, address: 127.0.0.1, services: { all: [3000] } }\n  - { name: app-2, address: 127.0.0.1, services: { catalog: [3101] } }',
    );
    const mixedFake = new FakeCluster(mixed);
    mixedFake.state.set('catalog/app-1-3000', 'DOWN');
    await expect(new VmDeployer(mixed, mixedFake, () => undefined).rollingRestart({ hosts: ['app-2'] })).rejects.toThrow(/lb-1: catalog:/);
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
