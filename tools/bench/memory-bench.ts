import { sampleProcess } from '../capacity/process-sampler';
import { LocalCluster, Replica } from '../stack/local-cluster';
import { throwawayClusterOptions } from '../stack/throwaway-cluster';
import type { LocalClusterOptions } from '../stack/cluster-options';
import { MetricsScrape, scrapeMetrics } from '#libs/testing';
import { benchNodeArguments } from './bench-node-arguments';
import { runWrk } from './wrk-runner';

// npm run bench:memory: each replica's resident memory and V8 heap idle (after a warm-up) and after load, its start-up
// time when the cluster scales out, and the same four services in one process (stage 2), measured in the same run.
const IDLE_SECONDS = Number(process.env.BENCH_IDLE_SECONDS ?? 15);
const LOAD_SECONDS = Number(process.env.BENCH_LOAD_SECONDS ?? 5);
const GOALS = { idleMb: 90, loadedMb: 130, startupMs: 2000, oneProcessMb: 200 };
// BENCH_NODE_ARGUMENTS (V8 flags to weigh) and BENCH_CPU_PROF: see bench-node-arguments.ts.
const NODE_ARGUMENTS = benchNodeArguments();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** What the bench routes load: public reads, a user's profile and orders, a missing upload. */
function routes(accessToken: string): { path: string; headers: string[] }[] {
  const auth = [`Authorization: Bearer ${accessToken}`];
  return [
    { path: '/api/catalog/home', headers: [] },
    { path: '/api/catalog/products?limit=20', headers: [] },
    { path: '/api/auth/me', headers: auth },
    { path: '/api/orders', headers: auth },
    { path: '/api/appointments', headers: auth },
    { path: '/api/uploads/01J0000000000000000000000A', headers: auth },
  ];
}

async function accessTokenOf(url: string): Promise<string> {
  const login = await fetch(`${url}/api/auth/wechat/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"code":"test:bench"}' });
  return ((await login.json()) as { accessToken: string }).accessToken;
}

/** A few requests of every kind, so the code paths a running shop uses are loaded before memory is read. */
async function warmUp(url: string, accessToken: string): Promise<void> {
  for (let round = 0; round < 20; round++) {
    for (const { path, headers } of routes(accessToken)) {
      const headerObject = Object.fromEntries(headers.map((header) => header.split(': ') as [string, string]));
      await (await fetch(`${url}${path}`, { headers: headerObject })).arrayBuffer();
    }
  }
}

interface MemorySample {
  rssMb: number;
  heapUsedMb: number;
  heapTotalMb: number;
}

/** A process-wide gauge: the one process of all four services reports it once per service, so one series is read, not their sum. */
function processGauge(metrics: MetricsScrape, name: string): number {
  return metrics.samples.find((sample) => sample.name === name)?.value ?? NaN;
}

async function memoryOf(replica: Replica): Promise<MemorySample> {
  const metrics = await scrapeMetrics(`http://127.0.0.1:${replica.port}`);
  return {
    rssMb: sampleProcess(replica.process.pid!)?.rssMb ?? NaN,
    heapUsedMb: processGauge(metrics, 'nodejs_heap_size_used_bytes') / 2 ** 20,
    heapTotalMb: processGauge(metrics, 'nodejs_heap_size_total_bytes') / 2 ** 20,
  };
}

async function sampleAll(cluster: LocalCluster): Promise<Map<string, MemorySample>> {
  const samples = new Map<string, MemorySample>();
  for (const replica of cluster.replicas.values()) samples.set(replica.name, await memoryOf(replica));
  return samples;
}

interface LayoutReport {
  idle: Map<string, MemorySample>;
  loaded: Map<string, MemorySample>;
  /** Scale-out: ms from spawn to a 200 from /health/ready of one more replica of each service, started alone. */
  startupMs: Map<string, number>;
}

/** Starts a cluster laid out by `layout`, warms it up, waits idle, samples, loads every route, samples again. */
async function measure(name: string, layout: Partial<LocalClusterOptions> & Pick<LocalClusterOptions, 'replicas'>, scaleOut: boolean): Promise<LayoutReport> {
  const cluster = new LocalCluster({
    ...throwawayClusterOptions(name, layout.replicas, { nodeArguments: NODE_ARGUMENTS }),
    oneProcessReplicas: layout.oneProcessReplicas,
  });
  try {
    await cluster.start();
    const accessToken = await accessTokenOf(cluster.publicUrl);
    await warmUp(cluster.publicUrl, accessToken);
    await sleep(IDLE_SECONDS * 1000);
    const idle = await sampleAll(cluster);
    for (const { path, headers } of routes(accessToken)) await runWrk(`${cluster.publicUrl}${path}`, 32, LOAD_SECONDS, { headers });
    const loaded = await sampleAll(cluster);
    const startupMs = new Map<string, number>();
    if (scaleOut) {
      for (const service of ['auth', 'catalog', 'orders', 'upload'] as const) startupMs.set(service, (await cluster.startReplica(service)).startupMs);
    }
    return { idle, loaded, startupMs };
  } finally {
    await cluster.stop();
  }
}

const mb = (value: number) => value.toFixed(0);
const verdict = (met: boolean) => (met ? 'goal met' : 'not met');

async function main(): Promise<void> {
  process.stderr.write(
    `four processes, then one${NODE_ARGUMENTS.length ? ` (node ${NODE_ARGUMENTS.join(' ')})` : ''}; each warmed up, ${IDLE_SECONDS} s idle, then ${LOAD_SECONDS} s of wrk per route through HAProxy...\n`,
  );
  const split = await measure('benchmemsplit', { replicas: { auth: 1, catalog: 1, orders: 1, upload: 1 } }, true);
  const one = await measure('benchmemone', { replicas: { auth: 0, catalog: 0, orders: 0, upload: 0 }, oneProcessReplicas: 1 }, false);
  const rows = [...split.idle].map(([name, idle]) => {
    const loaded = split.loaded.get(name)!;
    return `| ${name} | ${mb(idle.rssMb)} | ${mb(idle.heapUsedMb)} / ${mb(idle.heapTotalMb)} | ${mb(loaded.rssMb)} | ${mb(loaded.heapUsedMb)} / ${mb(loaded.heapTotalMb)} | ${split.startupMs.get(name.replace(/-\d+$/, '')) ?? ''} |`;
  });
  const oneIdle = one.idle.get('all-1')!;
  const oneLoaded = one.loaded.get('all-1')!;
  const splitIdle = [...split.idle.values()].reduce((sum, sample) => sum + sample.rssMb, 0);
  const worstIdle = Math.max(...[...split.idle.values()].map((sample) => sample.rssMb));
  const worstLoaded = Math.max(...[...split.loaded.values()].map((sample) => sample.rssMb));
  const worstStartup = Math.max(...split.startupMs.values());
  process.stdout.write(
    [
      '| process | idle RSS (MB) | idle heap used / total (MB) | loaded RSS (MB) | loaded heap used / total (MB) | scale-out start-up (ms) |',
      '| --- | ---: | ---: | ---: | ---: | ---: |',
      ...rows,
      `| **four processes, total** | **${mb(splitIdle)}** | | | | |`,
      `| **all four in one process** | **${mb(oneIdle.rssMb)}** | ${mb(oneIdle.heapUsedMb)} / ${mb(oneIdle.heapTotalMb)} | ${mb(oneLoaded.rssMb)} | ${mb(oneLoaded.heapUsedMb)} / ${mb(oneLoaded.heapTotalMb)} | |`,
      '',
      `goal, an idle replica ≤ ${GOALS.idleMb} MB RSS: largest ${mb(worstIdle)} MB — ${verdict(worstIdle <= GOALS.idleMb)}`,
      `goal, a replica after load ≤ ${GOALS.loadedMb} MB RSS: largest ${mb(worstLoaded)} MB — ${verdict(worstLoaded <= GOALS.loadedMb)}`,
      `goal, a new replica ready ≤ ${GOALS.startupMs} ms after spawn: slowest ${worstStartup} ms — ${verdict(worstStartup <= GOALS.startupMs)}`,
      `goal, all four in one process ≤ ${GOALS.oneProcessMb} MB idle: ${mb(oneIdle.rssMb)} MB (${(oneIdle.rssMb / splitIdle).toFixed(2)} of four processes) — ${verdict(oneIdle.rssMb <= GOALS.oneProcessMb)}`,
      '',
    ].join('\n'),
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
