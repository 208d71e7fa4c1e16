import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { createDataSourceOptions, dropServiceDatabase, provisionServiceDatabase, runMigrations } from '#libs/database';
import { generateSigningKey } from '#libs/keys';
import { freePort } from '#libs/testing';
import { seedCatalog } from '../../apps/catalog/src/catalog-seed';
import { findRepoRoot } from '#libs/config';
import { runtimeCommand, setServerState, waitForServerStatus } from '../haproxy/haproxy-runtime';
import { HaproxyServer, renderHaproxyConfig } from '../haproxy/render-haproxy-config';
import { SERVICE_SCHEMAS } from '../migrate/service-schemas';
import { ProgressBar } from '../terminal/progress-bar';
import { SANDBOX_PUSH_ENCODING_AES_KEY, SANDBOX_PUSH_TOKEN } from '../wechat-sandbox/push/push-config';
import { LocalClusterOptions, ReplicaKind, ServiceName, SERVICES } from './cluster-options';
import { ManagedProcess } from './managed-process';
import { LOCAL_SUBSCRIBE_TEMPLATES } from './subscribe-templates';
import { answers200, waitFor, waitForStart } from './wait-for';

/** As the Dockerfile and the systemd units start the apps: a 2 MB young generation (V8's default is 16 MB), about 25 MB less RSS per replica. */
const REPLICA_NODE_ARGUMENTS = ['--max-semi-space-size=2'];

/** One app replica: an OS process on its own port. */
export interface Replica {
  name: string;
  /** The service it runs, or `all` for a process running every service (in every HAProxy backend). */
  service: ReplicaKind;
  port: number;
  process: ManagedProcess;
  /** How long its last start took, from spawn to a 200 from /health/ready (ms; 0 while starting). */
  startupMs: number;
}

const SANDBOX_APP = { WECHAT_APP_ID: 'wx-sandbox-app', WECHAT_APP_SECRET: 'sandbox-secret' };
/** The sandbox WeChat Pay merchant: orders signs as it, the sandbox verifies it; the platform key pair is the cluster's own. */
const SANDBOX_MERCHANT = {
  WECHATPAY_MCH_ID: '1900000001',
  WECHATPAY_MERCHANT_SERIAL_NO: 'SANDBOXMERCHANTSERIAL0001',
  WECHATPAY_API_V3_KEY: 'sandbox-apiv3-key-0123456789abcd',
};
const SANDBOX_PLATFORM_KEY_ID = 'PUB_KEY_ID_SANDBOX';
/** WeChat server push settings of the local stack (wechat-sandbox.md): the sandbox's defaults, which auth is given. */
const SANDBOX_PUSH = { token: SANDBOX_PUSH_TOKEN, encodingAesKey: SANDBOX_PUSH_ENCODING_AES_KEY };

/**
 * The whole backend on one machine: WeChat sandbox, migrated per-service databases, N replicas of every
 * app as separate processes, and HAProxy in front. Used by `npm run stack` and by the cluster tests.
 */
export class LocalCluster {
  readonly replicas = new Map<string, Replica>();
  publicUrl = '';
  statsUrl = '';
  sandboxUrl = '';
  runtimeSocket = '';
  private readonly root = findRepoRoot(__dirname);
  private readonly infrastructure: ManagedProcess[] = [];
  private haproxy?: ManagedProcess;
  private natsUrl = '';
  private databaseUrls = {} as Record<ServiceName, string>;
  private secretsDir = '';
  private nextReplicaIndex = {} as Record<ReplicaKind, number>;
  /** Chosen before the replicas start: orders tells WeChat Pay its notify URL behind HAProxy. */
  private publicPort = 0;

  constructor(readonly options: LocalClusterOptions) {}

  /** The NATS server the replicas talk over. */
  get busUrl(): string {
    return this.natsUrl;
  }

  /** The connection URL of a service's own database (after start). */
  databaseUrl(service: ServiceName): string {
    return this.databaseUrls[service];
  }

  /** Starts everything and returns once HAProxy sees every replica up. */
  async start(log: (line: string) => void = () => undefined): Promise<void> {
    mkdirSync(join(this.options.workDir, 'logs'), { recursive: true });
    this.secretsDir = join(this.options.workDir, 'secrets');
    await this.writeSigningKeys();
    this.writeUploadLinkSecret();
    this.writeWechatPayKeys();
    this.publicPort = this.options.publicPort || (await freePort());
    this.natsUrl = this.options.natsUrl ?? (await this.startNats());
    log('starting the WeChat sandbox');
    await this.startSandbox();
    log('creating databases and applying migrations');
    await this.migrate();
    if (this.options.seedProducts) {
      log(`seeding the catalog with ${this.options.seedProducts} demo products`);
      await this.seed();
    }
    log('starting replicas');
    const starting: Promise<Replica>[] = [];
    for (const service of SERVICES) for (let i = 0; i < this.options.replicas[service]; i++) starting.push(this.startReplica(service));
    for (let i = 0; i < (this.options.oneProcessReplicas ?? 0); i++) starting.push(this.startReplica('all'));
    for (const replica of await Promise.all(starting)) log(`${replica.name} ready ${replica.startupMs} ms after it was started`);
    log('starting HAProxy');
    await this.startHaproxy();
  }

  /** Starts one more replica of `service` (HAProxy must be restarted to route to it, see startHaproxy). */
  async startReplica(service: ReplicaKind): Promise<Replica> {
    const index = (this.nextReplicaIndex[service] = (this.nextReplicaIndex[service] ?? 0) + 1);
    const name = `${service}-${index}`;
    const slot = service === 'all' ? SERVICES.length : SERVICES.indexOf(service);
    const port = this.options.replicaBasePort ? this.options.replicaBasePort + slot * 100 + index : await freePort();
    const replica: Replica = { name, service, port, process: this.spawnReplica(service, name, port), startupMs: 0 };
    this.replicas.set(name, replica);
    await this.waitUntilReady(replica);
    return replica;
  }

  /**
   * Adds a replica of `service` while traffic flows: starts it, then adds it to HAProxy through the runtime
   * API (its ready pool and its alive-only fallback pool) and waits until HAProxy sends it traffic.
   */
  async scaleOut(service: ReplicaKind): Promise<Replica> {
    const replica = await this.startReplica(service);
    for (const backend of backendsOf(service)) {
      await this.runtime(`add server ${backend}/${replica.name} 127.0.0.1:${replica.port} check inter 1s fastinter 500ms downinter 1s fall 2 rise 2`);
      await this.runtime(`enable health ${backend}/${replica.name}`);
      await this.runtime(`enable server ${backend}/${replica.name}`);
    }
    await this.waitForBalancerStatus(replica.name, 'UP', 15000);
    return replica;
  }

  /** Removes a replica while traffic flows: drain in HAProxy, graceful stop (SIGTERM), then out of the config. */
  async scaleIn(name: string): Promise<void> {
    const replica = this.requireReplica(name);
    const backends = backendsOf(replica.service);
    for (const backend of backends) await setServerState(this.runtimeSocket, backend, name, 'drain');
    await replica.process.stop();
    for (const backend of backends) {
      await setServerState(this.runtimeSocket, backend, name, 'maint');
      // HAProxy refuses to delete a server while it still holds connections to it; they close shortly after the exit.
      await waitFor(
        `HAProxy to let go of ${backend}/${name}`,
        async () => !/cannot|not|error/i.test(await this.runtime(`del server ${backend}/${name}`)),
        10000,
        200,
      );
    }
    this.replicas.delete(name);
  }

  /** Starts a stopped replica again, on the same port. */
  async restartReplica(name: string): Promise<void> {
    const replica = this.requireReplica(name);
    if (replica.process.running) throw new Error(`${name} is still running`);
    replica.process = this.spawnReplica(replica.service, name, replica.port);
    replica.startupMs = 0;
    await this.waitUntilReady(replica);
  }

  /** Waits for as long as the replica is starting (a loaded machine is slow, not broken); one that exits fails at once with its last log lines. */
  private async waitUntilReady(replica: Replica): Promise<void> {
    replica.startupMs = await waitForStart(replica.process, () => answers200(`http://127.0.0.1:${replica.port}/health/ready`));
  }

  requireReplica(name: string): Replica {
    const replica = this.replicas.get(name);
    if (!replica) throw new Error(`no replica ${name}`);
    return replica;
  }

  /** Waits until HAProxy reports `name` in `status` (UP, DOWN, MAINT...). */
  waitForBalancerStatus(name: string, status: string, timeoutMs = 10000): Promise<void> {
    const replica = this.requireReplica(name);
    const backends = backendsOf(replica.service).filter((backend) => !backend.endsWith('_live'));
    return Promise.all(backends.map((backend) => waitForServerStatus(this.runtimeSocket, backend, name, status, timeoutMs))).then(() => undefined);
  }

  private runtime(command: string): Promise<string> {
    return runtimeCommand(this.runtimeSocket, command);
  }

  /** Stops replicas (gracefully), HAProxy and everything else the cluster started. */
  async stop(): Promise<void> {
    await Promise.all([...this.replicas.values()].map((replica) => replica.process.stop()));
    await this.haproxy?.stop();
    await Promise.all(this.infrastructure.map((process) => process.stop()));
    if (this.options.dropDatabasesOnStop) {
      await Promise.allSettled(SERVICES.map((service) => dropServiceDatabase(this.options.mysqlAdminUrl, this.databaseUrls[service])));
    }
  }

  /** Log file of a process started by the cluster. */
  logFile(name: string): string {
    return join(this.options.workDir, 'logs', `${name}.log`);
  }

  private spawnReplica(service: ReplicaKind, name: string, port: number): ManagedProcess {
    return new ManagedProcess({
      name,
      command: process.execPath,
      args: [...REPLICA_NODE_ARGUMENTS, ...(this.options.nodeArguments ?? []), join(this.root, 'dist/apps', service, 'src/main.js'), `--replica=${name}`],
      env: service === 'all' ? this.oneProcessEnv(name, port) : this.replicaEnv(service, name, port),
      logFile: this.logFile(name),
    });
  }

  /** Every service's variables at once, each as `<SERVICE>_<NAME>` (see scopedEnv), for a process that runs them all. */
  private oneProcessEnv(name: string, port: number): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = { ...this.replicaEnv('auth', name, port), SERVICES: SERVICES.join(',') };
    for (const service of SERVICES) {
      for (const [variable, value] of Object.entries(this.replicaEnv(service, name, port))) env[`${service.toUpperCase()}_${variable}`] = value;
    }
    return env;
  }

  private replicaEnv(service: ServiceName, name: string, port: number): NodeJS.ProcessEnv {
    const prefix = this.options.redisPrefix;
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      PORT: String(port),
      INSTANCE_ID: name,
      DATABASE_URL: this.databaseUrls[service],
      REDIS_URL: this.options.redisUrl,
      NATS_URL: this.natsUrl,
      JWT_PUBLIC_KEYS_FILE: join(this.secretsDir, 'jwt-public-keys.json'),
      TRUSTED_PROXIES: '127.0.0.1',
      WECHAT_API_BASE_URL: this.sandboxUrl,
      ...(prefix ? { REDIS_KEY_PREFIX: `${prefix}${service}:`, REDIS_SHARED_PREFIX: `${prefix}shared:` } : {}),
      ...this.options.env,
    };
    if (service === 'auth') {
      Object.assign(env, {
        JWT_PRIVATE_KEY_FILE: join(this.secretsDir, 'jwt-private.pem'),
        JWT_KEY_ID_FILE: join(this.secretsDir, 'jwt-key-id'),
        ...SANDBOX_APP,
      });
      // WeChat's server push from the sandbox (which pushes to HAProxy's /api/auth/wechat/push), with its settings.
      const push = { WECHAT_PUSH_TOKEN: SANDBOX_PUSH.token, WECHAT_PUSH_ENCODING_AES_KEY: SANDBOX_PUSH.encodingAesKey, WECHAT_PUSH_MODE: 'safe' };
      for (const [variable, value] of Object.entries(push)) env[variable] ??= value;
      env.WECHAT_SUBSCRIBE_TEMPLATES ??= JSON.stringify(LOCAL_SUBSCRIBE_TEMPLATES);
    }
    if (service === 'orders') {
      // WeChat Pay against the sandbox; notifications come back through HAProxy like WeChat Pay's would.
      const defaults: Record<string, string> = {
        WECHAT_APP_ID: SANDBOX_APP.WECHAT_APP_ID,
        ...SANDBOX_MERCHANT,
        WECHATPAY_MERCHANT_PRIVATE_KEY_FILE: join(this.secretsDir, 'wechatpay-merchant-private.pem'),
        WECHATPAY_NOTIFY_URL: `http://127.0.0.1:${this.publicPort}/api/orders/payments/wechat/notify`,
        WECHATPAY_BASE_URL: this.sandboxUrl,
        WECHATPAY_PUBLIC_KEY_FILE: join(this.secretsDir, 'wechatpay-platform-public.pem'),
        WECHATPAY_PUBLIC_KEY_ID: SANDBOX_PLATFORM_KEY_ID,
      };
      for (const [variable, value] of Object.entries(defaults)) env[variable] ??= value;
    }
    if (service === 'upload') {
      // The local driver under the work dir: replicas on one machine share it, as a shared volume would across machines.
      const defaults = {
        UPLOAD_LOCAL_DIR: join(this.options.workDir, 'uploads'),
        UPLOAD_SPOOL_DIR: join(this.options.workDir, 'upload-spool', name),
        UPLOAD_URL_SIGNING_SECRET_FILE: join(this.secretsDir, 'upload-link-secret'),
        // WeChat's media check (the sandbox) fetches images through HAProxy.
        UPLOAD_MEDIA_CHECK_BASE_URL: `http://127.0.0.1:${this.publicPort}`,
      };
      for (const [variable, value] of Object.entries(defaults)) env[variable] ??= value;
    }
    return env;
  }

  /** The secret that signs links to private uploads, shared by the upload replicas. */
  private writeUploadLinkSecret(): void {
    const file = join(this.secretsDir, 'upload-link-secret');
    if (!existsSync(file)) writeFileSync(file, randomBytes(32).toString('hex'), { mode: 0o600 });
  }

  /** The merchant's API key pair (orders signs, the sandbox verifies) and the sandbox's platform key pair (the sandbox signs, orders verifies). */
  private writeWechatPayKeys(): void {
    mkdirSync(this.secretsDir, { recursive: true, mode: 0o700 });
    for (const name of ['merchant', 'platform']) {
      const privateFile = join(this.secretsDir, `wechatpay-${name}-private.pem`);
      if (existsSync(privateFile)) continue;
      const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
      writeFileSync(privateFile, pair.privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
      writeFileSync(join(this.secretsDir, `wechatpay-${name}-public.pem`), pair.publicKey.export({ type: 'spki', format: 'pem' }));
    }
  }

  private async writeSigningKeys(): Promise<void> {
    if (existsSync(join(this.secretsDir, 'jwt-public-keys.json'))) return;
    mkdirSync(this.secretsDir, { recursive: true, mode: 0o700 });
    const key = await generateSigningKey();
    writeFileSync(join(this.secretsDir, 'jwt-private.pem'), key.privateKeyPem, { mode: 0o600 });
    writeFileSync(join(this.secretsDir, 'jwt-key-id'), key.keyId, { mode: 0o600 });
    writeFileSync(join(this.secretsDir, 'jwt-public-keys.json'), JSON.stringify({ keys: [key.publicJwk] }));
  }

  private async startNats(): Promise<string> {
    const port = await freePort();
    const nats = new ManagedProcess({
      name: 'nats',
      command: 'nats-server',
      args: ['-a', '127.0.0.1', '-p', String(port)],
      env: process.env,
      logFile: this.logFile('nats'),
    });
    this.infrastructure.push(nats);
    await waitForStart(nats, () => tcpOpen(port));
    return `nats://127.0.0.1:${port}`;
  }

  private async startSandbox(): Promise<void> {
    const port = this.options.sandboxPort || (await freePort());
    this.sandboxUrl = `http://127.0.0.1:${port}`;
    const sandbox = new ManagedProcess({
      name: 'wechat-sandbox',
      command: process.execPath,
      args: [join(this.root, 'dist/tools/wechat-sandbox/main.js')],
      env: {
        ...process.env,
        SANDBOX_HOST: '127.0.0.1',
        SANDBOX_PORT: String(port),
        ...SANDBOX_APP,
        ...SANDBOX_MERCHANT,
        WECHATPAY_MERCHANT_PUBLIC_KEY_FILE: join(this.secretsDir, 'wechatpay-merchant-public.pem'),
        WECHATPAY_PLATFORM_PRIVATE_KEY_FILE: join(this.secretsDir, 'wechatpay-platform-private.pem'),
        WECHATPAY_PLATFORM_SERIAL_NO: SANDBOX_PLATFORM_KEY_ID,
        SANDBOX_PAY_NOTIFY_RETRY_SECONDS: process.env.SANDBOX_PAY_NOTIFY_RETRY_SECONDS ?? '1,2,5,10,30,60',
        // WeChat's server push comes back through HAProxy, as it would from WeChat; token and key are the stack's defaults.
        SANDBOX_PUSH_URL: `http://127.0.0.1:${this.publicPort}/api/auth/wechat/push`,
      },
      logFile: this.logFile('wechat-sandbox'),
    });
    this.infrastructure.push(sandbox);
    await waitForStart(sandbox, () => answers200(`${this.sandboxUrl}/sandbox/health`));
  }

  private async migrate(): Promise<void> {
    const admin = new URL(this.options.mysqlAdminUrl);
    for (const service of SERVICES) {
      const name = `${this.options.databasePrefix}${service}`;
      const password = randomBytes(12).toString('hex');
      this.databaseUrls[service] = `mysql://${name}:${password}@${admin.host}/${name}`;
      await provisionServiceDatabase(this.options.mysqlAdminUrl, this.databaseUrls[service]);
      await runMigrations(this.databaseUrls[service], SERVICE_SCHEMAS[service]);
    }
  }

  private async seed(): Promise<void> {
    const dataSource = await new DataSource(createDataSourceOptions(this.databaseUrls.catalog, SERVICE_SCHEMAS.catalog, 2)).initialize();
    try {
      const bar = new ProgressBar('products'.padEnd(12), this.options.seedProducts);
      await seedCatalog(dataSource, { products: this.options.seedProducts, articles: 50 }, (written) => bar.advance(written));
    } finally {
      await dataSource.destroy();
    }
  }

  private async startHaproxy(): Promise<void> {
    const publicPort = this.publicPort || this.options.publicPort || (await freePort());
    const statsPort = this.options.statsPort || (await freePort());
    this.runtimeSocket = join(this.options.workDir, 'haproxy.sock');
    const backends = Object.fromEntries(SERVICES.map((service) => [service, [] as HaproxyServer[]])) as Record<ServiceName, HaproxyServer[]>;
    for (const replica of this.replicas.values()) {
      for (const service of replica.service === 'all' ? SERVICES : [replica.service])
        backends[service].push({ name: replica.name, host: '127.0.0.1', port: replica.port });
    }
    const configFile = join(this.options.workDir, 'haproxy.cfg');
    writeFileSync(
      configFile,
      renderHaproxyConfig({ publicBind: `127.0.0.1:${publicPort}`, statsBind: `127.0.0.1:${statsPort}`, runtimeSocket: this.runtimeSocket, backends }),
    );
    this.haproxy = new ManagedProcess({
      name: 'haproxy',
      command: 'haproxy',
      args: ['-db', '-f', configFile],
      env: process.env,
      logFile: this.logFile('haproxy'),
    });
    this.publicUrl = `http://127.0.0.1:${publicPort}`;
    this.statsUrl = `http://127.0.0.1:${statsPort}`;
    await waitForStart(this.haproxy, () => answers200(`${this.publicUrl}/health`));
    await Promise.all([...this.replicas.values()].map((replica) => this.waitForBalancerStatus(replica.name, 'UP', 15000)));
  }
}

/** The HAProxy backends a replica serves in: its service's ready pool and alive-only fallback, or every service's. */
function backendsOf(service: ReplicaKind): string[] {
  return (service === 'all' ? SERVICES : [service]).flatMap((name) => [name, `${name}_live`]);
}

function tcpOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
