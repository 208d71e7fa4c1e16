import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findRepoRoot } from '#libs/config';
import { renderHaproxyConfig } from '../haproxy/render-haproxy-config';
import { scopedEnv } from '#libs/config';
import { APP_ENVS, AppName, missingOneProcessVariables, missingVariables, oneProcessName, unknownOneProcessVariables, unknownVariables } from './app-variables';
import { mergeComposeFiles, readComposeFile, validateCompose } from './compose-schema';
import { writeSelfSignedPem } from './self-signed-pem';

const root = findRepoRoot(__dirname);
const APPS = APP_ENVS;
type Service = {
  image?: string;
  command?: string[];
  environment?: Record<string, unknown>;
  healthcheck?: { disable?: boolean; test?: unknown };
  deploy?: { replicas?: number };
  profiles?: string[];
  restart?: string;
  ports?: string[];
  volumes?: string[];
  secrets?: string[];
  depends_on?: Record<string, unknown> | string[];
  networks?: Record<string, { aliases?: string[] } | null> | string[];
};

describe('docker-compose.yml', () => {
  const compose = readComposeFile(join(root, 'docker-compose.yml'));
  const services = compose.services as Record<string, Service>;

  it.each(['docker-compose.yml', 'docker-compose.stage2.yml'])('%s is valid against the Compose Specification schema (unknown keys rejected)', (file) => {
    expect(validateCompose(readComposeFile(join(root, file)))).toEqual([]);
  });

  it.each<[string, (doc: Record<string, any>) => void, RegExp]>([
    ['an unknown service key', (doc) => (doc.services.auth.replica = 2), /unknown key "replica"/],
    ['an unknown healthcheck key', (doc) => (doc.services.redis.healthcheck.intervall = '5s'), /unknown key "intervall"/],
    ['an unknown top-level key', (doc) => (doc.service = {}), /unknown key "service"/],
    ['a misspelt depends_on condition', (doc) => (doc.services.auth.depends_on.migrate.condition = 'service_done'), /must be equal to one of/],
  ])('the schema check rejects %s', (_, change, message) => {
    const document = readComposeFile(join(root, 'docker-compose.yml')) as Record<string, any>;
    change(document);
    expect(
      validateCompose(document)
        .map((p) => `${p.path}: ${p.message}`)
        .join('\n'),
    ).toMatch(message);
  });

  it('runs every app with replicas, a readiness health check and a drain-sized stop grace', () => {
    for (const app of Object.keys(APPS)) {
      const service = services[app];
      expect(service.deploy?.replicas).toBeGreaterThanOrEqual(2);
      expect(JSON.stringify(service.healthcheck?.test)).toContain('/health/ready');
      expect(service).toMatchObject({ command: ['node', `dist/apps/${app}/src/main.js`], stop_grace_period: '25s', init: true });
    }
  });

  it('gives every long-running container a health check (one-shot jobs excepted)', () => {
    for (const [name, service] of Object.entries(services)) {
      const oneShot = service.restart === 'no';
      expect([name, oneShot || (service.healthcheck?.test !== undefined && !service.healthcheck.disable)]).toEqual([name, true]);
    }
    expect(
      Object.entries(services)
        .filter(([, s]) => s.restart === 'no')
        .map(([n]) => n)
        .sort(),
    ).toEqual(['migrate', 'object-store-init']);
  });

  it('runs Redis with noeviction, MySQL 8 and NATS with JetStream', () => {
    expect(services.redis.command).toEqual(expect.arrayContaining(['--maxmemory-policy', 'noeviction']));
    expect(services.mysql.image).toMatch(/^mysql:8/);
    expect(services.nats.command).toContain('-js');
  });

  it('publishes only HAProxy: 80 and 443, stats on the loopback', () => {
    for (const [name, service] of Object.entries(services)) {
      if (name === 'haproxy' || service.profiles) continue;
      expect([name, service.ports]).toEqual([name, undefined]);
    }
    expect(services.haproxy.ports).toEqual(['${HTTP_PORT:-80}:8080', '${HTTPS_PORT:-443}:8443', '127.0.0.1:${HAPROXY_STATS_PORT:-8404}:8404']);
  });

  it('shares the upload storage: one volume for every replica, or S3 in the dev profile', () => {
    const upload = services.upload as Service & { volumes: string[] };
    expect(upload.volumes).toContain('uploads:/app/var/uploads');
    expect(upload.environment).toMatchObject({ UPLOAD_LOCAL_DIR: '/app/var/uploads', UPLOAD_STORAGE_DRIVER: '${UPLOAD_STORAGE_DRIVER:-local}' });
    expect(readFileSync(join(root, 'Dockerfile'), 'utf8')).toMatch(/mkdir -p \/app\/var\/uploads && chown node:node \/app\/var\/uploads/);
    expect(services['object-store-init'].profiles).toEqual(['dev']);
  });

  it.each(Object.keys(APPS) as AppName[])('sets only variables the %s app declares, and every one it requires', (app) => {
    const set = Object.keys(services[app].environment ?? {});
    expect(unknownVariables(app, set)).toEqual([]);
    expect(missingVariables(app, set)).toEqual([]);
  });

  it('documents in .env.example every variable the compose files interpolate', () => {
    const example = readFileSync(join(root, '.env.example'), 'utf8');
    const documented = new Set([...example.matchAll(/^#?\s*([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]));
    const used = ['docker-compose.yml', 'docker-compose.stage2.yml'].flatMap((file) =>
      [
        ...readFileSync(join(root, file), 'utf8')
          .replace(/^\s*#.*$/gm, '')
          .matchAll(/\$\{([A-Z][A-Z0-9_]*)/g),
      ].map((m) => m[1]),
    );
    expect([...new Set(used)].filter((name) => !documented.has(name))).toEqual([]);
  });

  it('builds the image with the command the local stack builds with, as a non-root production image', () => {
    const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');
    const scripts = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
    expect(scripts.stack).toMatch(/^npm run build && /);
    expect(dockerfile).toMatch(/^RUN npm run build /m);
    expect(dockerfile.match(/^FROM /gm)).toHaveLength(2);
    expect(dockerfile).toMatch(/NODE_ENV=production/);
    expect(dockerfile).toMatch(/^USER node$/m);
    // auth serves the committed API document from the image.
    expect(dockerfile).toMatch(/^COPY docs\/openapi.json .\/docs\/openapi.json$/m);
  });

  it('installs the MariaDB dump client in the runtime image (npm run backup spawns mariadb-dump), without recommends or apt lists', () => {
    const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');
    const runtime = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
    const install = /^RUN apt-get update && apt-get install -y --no-install-recommends ([^\n]*\\\n)*[^\n]*$/m.exec(runtime)?.[0] ?? '';
    expect(install).toMatch(/\bmariadb-client\b/);
    expect(install).toMatch(/&& rm -rf \/var\/lib\/apt\/lists\/\*$/);
    // Installed as root, before the image drops to the app user.
    expect(runtime.indexOf(install)).toBeLessThan(runtime.indexOf('\nUSER node'));
  });
});

describe('deploy/haproxy/haproxy.compose.cfg', () => {
  const composeConfig = readFileSync(join(root, 'deploy/haproxy/haproxy.compose.cfg'), 'utf8');
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'compose-haproxy-'));
    mkdirSync(join(dir, 'certs'));
    writeSelfSignedPem(join(dir, 'certs', 'localhost.pem'), 'localhost');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** A section's directives without comments, blank lines and listeners: what must match the template. */
  function section(config: string, header: string): string[] {
    const lines = config.split('\n');
    const start = lines.indexOf(header);
    expect(start).toBeGreaterThanOrEqual(0);
    const end = lines.findIndex((line, i) => i > start && /^\S/.test(line) && !line.startsWith('#'));
    return lines
      .slice(start + 1, end < 0 ? undefined : end)
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#') && !l.startsWith('bind '));
  }

  it('passes haproxy -c (with a certificate in place) with no warning', () => {
    const file = join(dir, 'haproxy.cfg');
    writeFileSync(
      file,
      composeConfig.replace('/usr/local/etc/haproxy/certs/', `${dir}/certs/`).replace('/var/lib/haproxy/admin.sock', join(dir, 'admin.sock')),
    );
    const check = spawnSync('haproxy', ['-c', '-f', file], { encoding: 'utf8' });
    expect(`${check.stdout}${check.stderr}`).not.toMatch(/ALERT|WARNING/);
    expect(check.status).toBe(0);
  });

  it('mirrors the template (rendered with TLS and ACME passthrough): defaults, public frontend, error pages', () => {
    const rendered = renderHaproxyConfig({
      publicBind: ':8080',
      statsBind: ':8404',
      runtimeSocket: '/var/lib/haproxy/admin.sock',
      backends: { auth: [], catalog: [], orders: [], upload: [] },
      tls: { bind: ':8443', certificate: '/usr/local/etc/haproxy/certs/', acmeChallenge: { host: 'certbot', port: 8888 } },
    });
    for (const header of ['defaults', 'frontend public', 'backend route_not_found', 'frontend stats']) {
      expect([header, section(composeConfig, header)]).toEqual([header, section(rendered, header)]);
    }
    expect(section(composeConfig, 'global').filter((l) => !l.startsWith('stats socket'))).toEqual(
      section(rendered, 'global').filter((l) => !l.startsWith('stats socket')),
    );
    expect(composeConfig).toContain('bind :8443 ssl crt /usr/local/etc/haproxy/certs/ alpn h2,http/1.1');
  });

  it('fills every backend from Docker DNS, so --scale needs no edit', () => {
    for (const service of ['auth', 'catalog', 'orders', 'upload']) {
      expect(composeConfig).toContain(`server-template ${service}- 10 ${service}:3000 check resolvers docker init-addr none resolve-prefer ipv4`);
    }
  });
});

describe('docker-compose.stage2.yml: every service in one process', () => {
  const base = readComposeFile(join(root, 'docker-compose.yml'));
  const stage2 = mergeComposeFiles(base, readComposeFile(join(root, 'docker-compose.stage2.yml')));
  const services = stage2.services as Record<string, Service>;
  const baseServices = base.services as Record<string, Service>;
  const app = services.app;
  const apps = Object.keys(APPS) as AppName[];
  const shared = base['x-service-env'] as Record<string, unknown>;
  const aliases = (service: Service) => (Array.isArray(service.networks) ? [] : (service.networks?.backend?.aliases ?? []));

  it('merged with docker-compose.yml, is valid against the Compose Specification schema', () => {
    expect(validateCompose(stage2)).toEqual([]);
  });

  it('runs one app container with dist/apps/all from the same image, the four split services at 0 replicas', () => {
    for (const name of apps) expect([name, services[name].deploy?.replicas]).toEqual([name, 0]);
    expect(existsSync(join(root, 'apps/all/src/main.ts'))).toBe(true);
    const split = baseServices.auth as Service & Record<string, unknown>;
    expect(app).toMatchObject({
      image: split.image,
      command: ['node', 'dist/apps/all/src/main.js'],
      init: split.init,
      restart: split.restart,
      stop_grace_period: split.stop_grace_period,
      healthcheck: split.healthcheck,
      deploy: { replicas: 1 },
    });
    expect(app.depends_on).toEqual(expect.objectContaining(baseServices.upload.depends_on));
  });

  it("gets every service's secrets and volumes", () => {
    for (const name of apps) {
      for (const secret of baseServices[name].secrets ?? []) expect([name, app.secrets]).toEqual([name, expect.arrayContaining([secret])]);
      for (const volume of baseServices[name].volumes ?? []) expect([name, app.volumes]).toEqual([name, expect.arrayContaining([volume])]);
    }
  });

  it("sets the base file's variables: the shared ones as they are, each service's own as <SERVICE>_<NAME>", () => {
    const expected: Record<string, unknown> = { ...shared };
    for (const name of apps) {
      for (const [variable, value] of Object.entries(baseServices[name].environment ?? {})) {
        if (variable in shared && shared[variable] === value) continue;
        expected[oneProcessName(name, variable)] = value;
      }
    }
    expect(app.environment).toEqual(expected);
  });

  it('sets only variables some service reads (prefixes understood), and every one each service requires', () => {
    const set = Object.keys(app.environment ?? {});
    expect(unknownOneProcessVariables(set)).toEqual([]);
    expect(missingOneProcessVariables(set)).toEqual({});
    // The checks themselves: a misspelt prefix or name is unknown, a service left without its database is missing.
    expect(unknownOneProcessVariables(['ORDER_DATABASE_URL', 'CATALOG_CACHE_ENABLD', 'SERVICES', 'CATALOG_CACHE_ENABLED'])).toEqual([
      'ORDER_DATABASE_URL',
      'CATALOG_CACHE_ENABLD',
    ]);
    expect(missingOneProcessVariables(set.filter((name) => name !== 'ORDERS_DATABASE_URL'))).toEqual({ orders: ['DATABASE_URL'] });
  });

  it('gives each service its own database and user, as when it runs alone', () => {
    for (const name of apps) {
      expect(scopedEnv(app.environment as NodeJS.ProcessEnv, name).DATABASE_URL).toBe(baseServices[name].environment?.DATABASE_URL);
      expect(scopedEnv(app.environment as NodeJS.ProcessEnv, name).DATABASE_URL).toMatch(new RegExp(`^mysql://${name}:.*@mysql:3306/${name}$`));
    }
  });

  it("routes every backend of HAProxy's config to the app container: the same file, whose server names are app's aliases", () => {
    const haproxy = services.haproxy;
    expect(haproxy.volumes).toEqual(baseServices.haproxy.volumes);
    const mount = (haproxy.volumes ?? []).find((v) => v.includes(':/usr/local/etc/haproxy/haproxy.cfg'))!;
    const config = readFileSync(join(root, mount.split(':')[0]), 'utf8');
    const selected = new Set([...config.matchAll(/^\s*(?:use_backend|default_backend) (\S+)/gm)].map((m) => m[1]));
    const routed = [...selected].filter((backend) => !['route_not_found', 'acme_challenge'].includes(backend));
    expect(routed.sort()).toEqual(['auth', 'auth_live', 'catalog', 'catalog_live', 'orders', 'orders_live', 'upload', 'upload_live']);
    for (const backend of routed) {
      const body = config.slice(config.indexOf(`\nbackend ${backend}\n`) + 1).split(/\n(?=\S)/)[0];
      const hosts = [...body.matchAll(/^\s*server(?:-template \S+ \d+| \S+) ([a-z0-9-]+):3000 /gm)].map((m) => m[1]);
      expect([backend, hosts.length]).toEqual([backend, 1]);
      // The name resolves to app, and to no other running container.
      expect([backend, aliases(app)]).toEqual([backend, expect.arrayContaining(hosts)]);
      for (const [name, service] of Object.entries(services)) {
        if (name === 'app' || service.profiles) continue;
        const resolvesThere = name === hosts[0] || aliases(service).includes(hosts[0]);
        expect([backend, name, resolvesThere && service.deploy?.replicas !== 0]).toEqual([backend, name, false]);
      }
    }
    expect(haproxy.depends_on).toHaveProperty('app');
  });
});
