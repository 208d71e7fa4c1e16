import { sampleProcess } from '../capacity/process-sampler';
import { LocalCluster } from '../stack/local-cluster';
import { throwawayClusterOptions } from '../stack/throwaway-cluster';
import type { LocalClusterOptions } from '../stack/cluster-options';

// npm run bench:memory: the idle resident memory of the backend split into four processes (one replica of each
// service) and of the same four services in one process (stage 2), measured in the same run on this machine.
// Goal: the one process ≤ 200 MB idle.
const IDLE_SECONDS = Number(process.env.BENCH_IDLE_SECONDS ?? 15);
const GOAL_MB = 200;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A few requests of every kind, so the code paths a running shop uses are loaded before memory is read. */
async function warmUp(url: string): Promise<void> {
  const login = await fetch(`${url}/api/auth/wechat/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"code":"test:bench"}' });
  const { accessToken } = (await login.json()) as { accessToken: string };
  const auth = { authorization: `Bearer ${accessToken}` };
  for (let round = 0; round < 20; round++) {
    for (const [path, headers] of [
      ['/api/catalog/home', {}],
      ['/api/catalog/products?limit=20', {}],
      ['/api/auth/me', auth],
      ['/api/orders', auth],
      ['/api/appointments', auth],
      ['/api/uploads/01J0000000000000000000000A', auth],
    ] as const) {
      await (await fetch(`${url}${path}`, { headers })).arrayBuffer();
    }
  }
}

/** Starts a cluster laid out by `replicas`, warms it up, waits idle and answers each replica's RSS (MB). */
async function idleRss(name: string, layout: Partial<LocalClusterOptions> & Pick<LocalClusterOptions, 'replicas'>): Promise<Map<string, number>> {
  const cluster = new LocalCluster({ ...throwawayClusterOptions(name, layout.replicas), oneProcessReplicas: layout.oneProcessReplicas });
  try {
    await cluster.start();
    await warmUp(cluster.publicUrl);
    await sleep(IDLE_SECONDS * 1000);
    return new Map([...cluster.replicas.values()].map((replica) => [replica.name, sampleProcess(replica.process.pid!)?.rssMb ?? NaN]));
  } finally {
    await cluster.stop();
  }
}

async function main(): Promise<void> {
  process.stderr.write(`four processes, then one; each warmed up, then ${IDLE_SECONDS} s idle before reading /proc/<pid>/status VmRSS...\n`);
  const split = await idleRss('benchmemsplit', { replicas: { auth: 1, catalog: 1, orders: 1, upload: 1 } });
  const one = await idleRss('benchmemone', { replicas: { auth: 0, catalog: 0, orders: 0, upload: 0 }, oneProcessReplicas: 1 });
  const splitTotal = [...split.values()].reduce((sum, rss) => sum + rss, 0);
  const oneRss = one.get('all-1')!;
  const rows = [...split].map(([name, rss]) => `| ${name} (own process) | ${rss.toFixed(0)} |`);
  process.stdout.write(
    [
      '| process | idle RSS (MB) |',
      '| --- | ---: |',
      ...rows,
      `| **four processes, total** | **${splitTotal.toFixed(0)}** |`,
      `| **all four in one process** | **${oneRss.toFixed(0)}** |`,
      '',
      `one process / four processes: ${(oneRss / splitTotal).toFixed(2)}; goal ≤ ${GOAL_MB} MB: ${oneRss <= GOAL_MB ? 'met' : 'NOT met'}`,
      '',
    ].join('\n'),
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
