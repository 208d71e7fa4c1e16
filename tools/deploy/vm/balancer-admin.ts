import { HostRunner } from './host-runner';
import { InventoryBalancer } from './inventory';

/** One server row of `show stat` (a server name can appear in several backends, e.g. auth and auth_live). */
export interface BalancerServerRow {
  backend: string;
  server: string;
  /** As HAProxy prints it: UP, DOWN, DRAIN, MAINT, 'UP 1/2'... */
  status: string;
  /** Sessions on the server right now: requests in flight. */
  current: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** HAProxy's runtime API on a balancer node, spoken through `socat` on that node (over SSH, or locally). */
export class BalancerAdmin {
  constructor(
    private readonly runner: HostRunner,
    readonly balancer: InventoryBalancer,
    private readonly become: string[],
  ) {}

  /** Sends one runtime API command and returns HAProxy's answer. */
  async command(command: string): Promise<string> {
    const result = await this.runner.run(this.balancer.address, [...this.become, 'socat', '-t', '5', 'stdio', `UNIX-CONNECT:${this.balancer.runtimeSocket}`], {
      stdin: `${command}\n`,
      timeoutMs: 15_000,
    });
    if (result.code !== 0) throw new Error(`${this.balancer.name}: runtime API "${command}" failed (${result.code}): ${result.stderr.trim()}`);
    return result.stdout.trim();
  }

  /** Every server row of every backend. */
  async servers(): Promise<BalancerServerRow[]> {
    const [header, ...rows] = (await this.command('show stat')).split('\n');
    const columns = header.replace(/^#\s*/, '').split(',');
    const at = (name: string) => {
      const index = columns.indexOf(name);
      if (index < 0) throw new Error(`${this.balancer.name}: unexpected "show stat" header: ${header}`);
      return index;
    };
    const [px, sv, status, scur] = [at('pxname'), at('svname'), at('status'), at('scur')];
    return rows
      .map((row) => row.split(','))
      .filter((cells) => cells.length > status && cells[sv] !== 'FRONTEND' && cells[sv] !== 'BACKEND')
      .map((cells) => ({ backend: cells[px], server: cells[sv], status: cells[status], current: Number(cells[scur]) || 0 }));
  }

  /** Puts every row of the named servers (in whichever backends list them) in `state`. */
  async setState(servers: string[], state: 'ready' | 'drain' | 'maint'): Promise<void> {
    const rows = (await this.servers()).filter((row) => servers.includes(row.server));
    const missing = servers.filter((server) => !rows.some((row) => row.server === server));
    if (missing.length) throw new Error(`${this.balancer.name}: HAProxy has no server ${missing.join(', ')}: is its config current (push-haproxy)?`);
    for (const row of rows) {
      const answer = await this.command(`set server ${row.backend}/${row.server} state ${state}`);
      if (answer !== '') throw new Error(`${this.balancer.name}: set server ${row.backend}/${row.server} state ${state}: ${answer}`);
    }
  }

  /** Waits until the named servers have no request in flight; resolves with what is left when `timeoutMs` runs out. */
  async waitIdle(servers: string[], timeoutMs: number): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const inFlight = (await this.servers()).filter((row) => servers.includes(row.server)).reduce((sum, row) => sum + row.current, 0);
      if (inFlight === 0 || Date.now() > deadline) return inFlight;
      await sleep(200);
    }
  }

  /** Waits until every row of the named servers is UP and settled (not 'UP 1/2'); throws after `timeoutMs`. */
  async waitUp(servers: string[], timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let last: BalancerServerRow[] = [];
    for (;;) {
      last = await this.servers().catch(() => []);
      const rows = last.filter((row) => servers.includes(row.server));
      if (servers.every((server) => rows.some((row) => row.server === server)) && rows.every((row) => row.status === 'UP')) return;
      if (Date.now() > deadline) {
        const seen = servers.map(
          (server) =>
            `${server}: ${
              last
                .filter((r) => r.server === server)
                .map((r) => `${r.backend} ${r.status}`)
                .join(', ') || 'not listed'
            }`,
        );
        throw new Error(`${this.balancer.name}: servers not UP after ${timeoutMs} ms: ${seen.join('; ')}`);
      }
      await sleep(200);
    }
  }
}
