import { HaproxyConfigInput, HaproxyServer, renderHaproxyConfig } from '../../haproxy/render-haproxy-config';
import { HAPROXY_BACKENDS } from '../../haproxy/haproxy-config-input';
import { BalancerAdmin } from './balancer-admin';
import { HostRunner } from './host-runner';
import { Inventory, InventoryBalancer, InventoryHost, InventoryReplica, replicasOf, requireHost } from './inventory';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The HAProxy input of one balancer: one `server <host>-<port> <address>:<port>` line per replica of `hosts`. */
export function balancerConfigInput(inventory: Inventory, balancer: InventoryBalancer, hosts: InventoryHost[] = inventory.hosts): HaproxyConfigInput {
  const backends = Object.fromEntries(HAPROXY_BACKENDS.map((service) => [service, [] as HaproxyServer[]])) as HaproxyConfigInput['backends'];
  for (const replica of replicasOf(inventory, hosts)) {
    for (const backend of replica.backends) backends[backend].push({ name: replica.server, host: replica.host.address, port: replica.port });
  }
  return { publicBind: balancer.publicBind, statsBind: balancer.statsBind, runtimeSocket: balancer.runtimeSocket, backends, tls: balancer.tls };
}

/**
 * The operator's side of a VM deployment: HAProxy configs from the inventory, rolling restarts host by host
 * (drain in every balancer, wait for in-flight requests, restart the units, wait for readiness, back in
 * rotation), and adding or removing a host without a failed request.
 */
export class VmDeployer {
  private readonly balancers: BalancerAdmin[];

  constructor(
    private readonly inventory: Inventory,
    private readonly runner: HostRunner,
    private readonly log: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
  ) {
    this.balancers = inventory.balancers.map((balancer) => new BalancerAdmin(runner, balancer, inventory.become));
  }

  /** The HAProxy config of `balancerName` for the inventory's hosts (or `hosts`). */
  renderBalancerConfig(balancerName: string, hosts: InventoryHost[] = this.inventory.hosts): string {
    const balancer = this.inventory.balancers.find((b) => b.name === balancerName);
    if (!balancer) throw new Error(`inventory: no balancer "${balancerName}"`);
    return renderHaproxyConfig(balancerConfigInput(this.inventory, balancer, hosts));
  }

  /** Writes each balancer's config for `hosts`, checks it with `haproxy -c`, swaps it in and reloads HAProxy (seamless). */
  async pushConfig(hosts: InventoryHost[] = this.inventory.hosts): Promise<void> {
    for (const balancer of this.inventory.balancers) {
      const config = this.renderBalancerConfig(balancer.name, hosts);
      const next = `${balancer.config}.new`;
      const sudo = this.inventory.become;
      await this.must(balancer.address, [...sudo, 'tee', next], `write ${next} on ${balancer.name}`, config);
      await this.must(balancer.address, [...sudo, 'haproxy', '-c', '-f', next], `check ${next} on ${balancer.name}`);
      await this.must(balancer.address, [...sudo, 'mv', next, balancer.config], `install ${balancer.config} on ${balancer.name}`);
      await this.must(balancer.address, [...this.inventory.systemctl, 'reload', 'haproxy'], `reload HAProxy on ${balancer.name}`);
      this.log(`${balancer.name}: config with ${replicasOf(this.inventory, hosts).length} servers installed, HAProxy reloaded`);
    }
    // The reloaded processes take a moment to bind their runtime socket and list their servers.
    const servers = replicasOf(this.inventory, hosts).map((r) => r.server);
    await Promise.all(this.balancers.map((admin) => admin.waitUp(servers, this.inventory.timeouts.upSeconds * 1000)));
  }

  /**
   * Host by host: out of rotation, restarted (after `beforeRestart`, e.g. switching the release link), ready, back in.
   * A host whose services no other host carries (one VM: two `all` processes, or two replicas of each service) is
   * restarted one replica at a time, each carried meanwhile by the host's others.
   */
  async rollingRestart(options: { hosts?: string[]; beforeRestart?: string } = {}): Promise<void> {
    const hosts = options.hosts?.length ? options.hosts.map((name) => requireHost(this.inventory, name)) : this.inventory.hosts;
    for (const host of hosts) {
      const replicas = replicasOf(this.inventory, [host]);
      if (replicas.length === 0) continue;
      const started = Date.now();
      const wholeHost = await this.uncarried(replicas);
      const groups = wholeHost.length === 0 || replicas.length === 1 ? [replicas] : replicas.map((replica) => [replica]);
      if (groups.length > 1) this.log(`${host.name}: no other host carries ${wholeHost.join(', ')}; restarting its replicas one at a time`);
      for (const [index, group] of groups.entries()) {
        await this.checkCarried(host, group);
        await this.drain(host, group);
        if (options.beforeRestart && index === 0) await this.must(host.address, ['sh', '-c', options.beforeRestart], `before-restart on ${host.name}`);
        await this.must(
          host.address,
          [...this.inventory.systemctl, 'restart', ...group.map((r) => r.unit)],
          `restart ${group.map((r) => r.unit).join(' ')} on ${host.name}`,
          undefined,
          120_000,
        );
        await this.waitReady(host, group);
        await this.undrain(group);
      }
      this.log(`${host.name}: restarted ${replicas.length} replicas, back in rotation (${((Date.now() - started) / 1000).toFixed(1)} s)`);
    }
  }

  /** Scale-out: starts (and enables) the units of a host already in the inventory, waits ready, then routes to it. */
  async addHost(name: string): Promise<void> {
    const host = requireHost(this.inventory, name);
    const replicas = replicasOf(this.inventory, [host]);
    await this.must(
      host.address,
      [...this.inventory.systemctl, 'enable', '--now', ...replicas.map((r) => r.unit)],
      `start ${name}'s units`,
      undefined,
      120_000,
    );
    await this.waitReady(host, replicas);
    await this.pushConfig(this.inventory.hosts);
    this.log(`${name}: ${replicas.length} replicas in rotation`);
  }

  /** Scale-in: drains the host, removes it from every balancer's config, then stops (and disables) its units. */
  async removeHost(name: string): Promise<void> {
    const host = requireHost(this.inventory, name);
    const replicas = replicasOf(this.inventory, [host]);
    await this.checkCarried(host, replicas);
    await this.drain(host, replicas);
    await this.pushConfig(this.inventory.hosts.filter((h) => h !== host));
    await this.must(
      host.address,
      [...this.inventory.systemctl, 'disable', '--now', ...replicas.map((r) => r.unit)],
      `stop ${name}'s units`,
      undefined,
      120_000,
    );
    this.log(`${name}: out of rotation and stopped; remove it from the inventory`);
  }

  /**
   * The backends that would have no replica UP, in some balancer, once `leaving` are out of rotation: every backend
   * listing one of them (all of them for an `all` replica) needs another replica UP.
   */
  private async uncarried(leaving: InventoryReplica[]): Promise<string[]> {
    const others = replicasOf(this.inventory).filter((r) => !leaving.some((l) => l.server === r.server));
    const uncarried = new Set<string>();
    for (const admin of this.balancers) {
      const rows = await admin.servers();
      for (const backend of HAPROXY_BACKENDS) {
        if (!leaving.some((r) => r.backends.includes(backend))) continue;
        const up = others.filter(
          (r) => r.backends.includes(backend) && rows.some((row) => row.backend === backend && row.server === r.server && row.status === 'UP'),
        );
        if (up.length === 0) uncarried.add(`${admin.balancer.name}: ${backend}`);
      }
    }
    return [...uncarried];
  }

  /** Refuses to take `leaving` (replicas of `host`) out when that would leave a backend with no replica UP. */
  private async checkCarried(host: InventoryHost, leaving: InventoryReplica[]): Promise<void> {
    const uncarried = await this.uncarried(leaving);
    if (uncarried.length)
      throw new Error(`no other replica UP for ${uncarried.join('; ')}: taking ${leaving.map((r) => r.server).join(', ')} of ${host.name} out would stop it`);
  }

  private async drain(host: InventoryHost, replicas: InventoryReplica[]): Promise<void> {
    const servers = replicas.map((r) => r.server);
    for (const admin of this.balancers) await admin.setState(servers, 'drain');
    const left = await Promise.all(this.balancers.map((admin) => admin.waitIdle(servers, this.inventory.timeouts.drainSeconds * 1000)));
    const inFlight = left.reduce((a, b) => a + b, 0);
    if (inFlight > 0)
      this.log(
        `${host.name}: still ${inFlight} requests in flight after ${this.inventory.timeouts.drainSeconds} s; the replicas' own graceful shutdown lets them finish`,
      );
    else this.log(`${host.name}: drained, no request in flight`);
  }

  private async undrain(replicas: InventoryReplica[]): Promise<void> {
    const servers = replicas.map((r) => r.server);
    for (const admin of this.balancers) await admin.setState(servers, 'ready');
    await Promise.all(this.balancers.map((admin) => admin.waitUp(servers, this.inventory.timeouts.upSeconds * 1000)));
  }

  /** Polls GET /health/ready of each replica from the host itself until it answers 200. */
  private async waitReady(host: InventoryHost, replicas: InventoryReplica[]): Promise<void> {
    const deadline = Date.now() + this.inventory.timeouts.readySeconds * 1000;
    for (const replica of replicas) {
      for (;;) {
        const url = `http://${host.address}:${replica.port}/health/ready`;
        const result = await this.runner.run(host.address, ['curl', '-fsS', '-m', '2', '-o', '/dev/null', url], { timeoutMs: 5000 });
        if (result.code === 0) break;
        if (Date.now() > deadline)
          throw new Error(
            `${host.name}: ${replica.unit} not ready after ${this.inventory.timeouts.readySeconds} s (${url}: ${result.stderr.trim()}); it stays out of rotation`,
          );
        await sleep(250);
      }
    }
  }

  private async must(address: string, argv: string[], what: string, stdin?: string, timeoutMs = 30_000): Promise<string> {
    const result = await this.runner.run(address, argv, { stdin, timeoutMs });
    if (result.code !== 0) throw new Error(`${what} failed (exit ${result.code}): ${`${result.stderr}${result.stdout}`.trim().slice(-2000)}`);
    return result.stdout;
  }
}
