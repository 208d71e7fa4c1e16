import { mkdirSync, mkdtempSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { freePort } from '#libs/testing';
import { ManagedProcess } from '../../tools/stack/managed-process';
import { waitFor, waitForStart } from '../../tools/stack/wait-for';

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

/**
 * A Redis, NATS or MariaDB server that a fault test owns: its own port and data directory, so the test can
 * stop and start it (never the machine's shared servers).
 */
export class PrivateServer {
  private process?: ManagedProcess;

  private constructor(
    readonly kind: 'redis' | 'nats' | 'mariadb',
    readonly port: number,
    private readonly dir: string,
  ) {}

  /** Makes (for MariaDB: initialises a data directory) and starts a server of `kind` on a free port. */
  static async create(kind: PrivateServer['kind']): Promise<PrivateServer> {
    const dir = mkdtempSync(join(tmpdir(), `private-${kind}-`));
    if (kind === 'mariadb') {
      execFileSync(
        'mariadb-install-db',
        ['--no-defaults', `--datadir=${join(dir, 'data')}`, '--user=root', '--auth-root-authentication-method=normal', '--skip-test-db'],
        { stdio: 'ignore' },
      );
    }
    const server = new PrivateServer(kind, await freePort(), dir);
    await server.start();
    return server;
  }

  /** The URL services connect with. */
  get url(): string {
    if (this.kind === 'redis') return `redis://127.0.0.1:${this.port}/0`;
    if (this.kind === 'nats') return `nats://127.0.0.1:${this.port}`;
    return `mysql://root@127.0.0.1:${this.port}/mysql`;
  }

  get running(): boolean {
    return this.process?.running ?? false;
  }

  /** Starts it (again) on the same port and data, and waits until it accepts connections. */
  async start(): Promise<void> {
    mkdirSync(join(this.dir, 'logs'), { recursive: true });
    const args = {
      redis: ['redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', this.dir]],
      nats: ['nats-server', ['-a', '127.0.0.1', '-p', String(this.port)]],
      mariadb: [
        'mariadbd',
        [
          '--no-defaults',
          `--datadir=${join(this.dir, 'data')}`,
          `--port=${this.port}`,
          '--bind-address=127.0.0.1',
          `--socket=${join(this.dir, 'sock')}`,
          '--user=root',
          '--skip-log-bin',
          '--innodb-buffer-pool-size=64M',
        ],
      ],
    } as const;
    const [command, commandArgs] = args[this.kind];
    this.process = new ManagedProcess({
      name: this.kind,
      command,
      args: [...commandArgs],
      env: process.env,
      logFile: join(this.dir, 'logs', `${this.kind}.log`),
    });
    await waitForStart(this.process, () => portOpen(this.port));
  }

  /** Stops it (SIGKILL: an outage, not a maintenance window) and waits until the port is closed. */
  async stop(): Promise<void> {
    this.process?.signal('SIGKILL');
    await this.process?.exited;
    await waitFor(`private ${this.kind} to close`, async () => !(await portOpen(this.port)), 10000);
  }
}
