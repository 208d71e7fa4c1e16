import Redis from 'ioredis';
import { DataSource } from 'typeorm';
import { encodeCursor } from '#libs/contracts';
import { createDataSourceOptions } from '#libs/database';
import { CATALOG_SCHEMA } from '../../apps/catalog/src/catalog-schema';
import { SEEDED_CACHE_NAMESPACES, seedCatalog, seedId } from '../../apps/catalog/src/catalog-seed';
import { listProcesses, sampleProcess } from '../capacity/process-sampler';
import { LocalCluster, Replica } from '../stack/local-cluster';
import { throwawayClusterOptions } from '../stack/throwaway-cluster';
import { LoadResult, runWrk } from './wrk-runner';

// npm run bench:growth: the product list, its category filter and the title search at 5,000 products, then at
// 100,000 (the same database seeded further), each on a replica with the cache on and on one with it off
// (CACHE_ENABLED=false: every request goes to MariaDB). Issue 16, goal 6: within 1.5× of the 5,000-product figure.
const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
const SIZES = (process.env.BENCH_GROWTH_SIZES ?? '5000,100000').split(',').map(Number);
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379/0';
const CLUSTER = 'benchgrowth';
const GOAL = 1.5;

interface Target {
  name: string;
  path: (size: number) => string;
}

// Seeded categories: 5 parents (seedId('category', p)) with 3 leaves each (seedId('category', 100 + p * 10 + c)).
const TARGETS: Target[] = [
  { name: 'list', path: () => '/api/catalog/products?limit=20' },
  { name: 'list, deep page (cursor at the middle)', path: (size) => `/api/catalog/products?limit=20&cursor=${encodeCursor(seedId('product', size >> 1))}` },
  { name: 'category with its 3 children', path: () => `/api/catalog/products?limit=20&categoryId=${seedId('category', 0)}` },
  { name: 'search 有机 (1 product in 8)', path: () => `/api/catalog/products?limit=20&q=${encodeURIComponent('有机')}` },
  { name: 'search 有机绿茶 (1 in 120)', path: () => `/api/catalog/products?limit=20&q=${encodeURIComponent('有机绿茶')}` },
  { name: 'search 有机 in a category', path: () => `/api/catalog/products?limit=20&q=${encodeURIComponent('有机')}&categoryId=${seedId('category', 0)}` },
];

interface Figures {
  requestsPerSecond: number;
  p99Ms: number;
  /** CPU µs per request of the replica. */
  replicaMicros: number;
  /** CPU µs per request of the database server (shared with whatever else the machine runs). */
  databaseMicros: number;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

const databasePid = () => listProcesses().find((info) => info.comm === 'mariadbd' || info.comm === 'mysqld')?.pid;

async function measure(url: string, replicaPid: number, serverPid: number | undefined): Promise<Figures> {
  const rounds: Figures[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const cpu = () => [replicaPid, serverPid].map((pid) => (pid ? (sampleProcess(pid)?.cpuSeconds ?? NaN) : NaN));
    const before = cpu();
    const result: LoadResult = await runWrk(url, CONNECTIONS, SECONDS);
    if (result.non2xx || result.socketErrors) throw new Error(`${url}: ${result.non2xx} non-2xx answers, ${result.socketErrors} socket errors`);
    const [replica, server] = cpu().map((seconds, index) => ((seconds - before[index]) * 1e6) / result.requests);
    rounds.push({ requestsPerSecond: result.requestsPerSecond, p99Ms: result.p99Ms, replicaMicros: replica, databaseMicros: server });
  }
  const pick = (key: keyof Figures) => median(rounds.map((round) => round[key]));
  return { requestsPerSecond: pick('requestsPerSecond'), p99Ms: pick('p99Ms'), replicaMicros: pick('replicaMicros'), databaseMicros: pick('databaseMicros') };
}

/** Fails the run when a replica still answers a page of the smaller catalog (a stale cache would flatter the figures). */
async function checkNewest(port: number, size: number): Promise<void> {
  const page = (await (await fetch(`http://127.0.0.1:${port}/api/catalog/products?limit=1`)).json()) as { items: { id: string }[] };
  if (page.items[0]?.id !== seedId('product', size - 1)) throw new Error(`replica on ${port} lists ${page.items[0]?.id} first, not product ${size - 1}`);
}

async function grow(cluster: LocalCluster, size: number): Promise<number> {
  const started = Date.now();
  const dataSource = await new DataSource(createDataSourceOptions(cluster.databaseUrl('catalog'), CATALOG_SCHEMA, 2)).initialize();
  try {
    await seedCatalog(dataSource, { products: size, articles: 50 });
    await dataSource.query('ANALYZE TABLE products, product_search_terms, skus');
  } finally {
    await dataSource.destroy();
  }
  const redis = new Redis(REDIS_URL, { keyPrefix: `${CLUSTER}:catalog:` });
  for (const namespace of SEEDED_CACHE_NAMESPACES) await redis.incr(`epoch:${namespace}`);
  redis.disconnect();
  return Date.now() - started;
}

async function startCatalog(cluster: LocalCluster, cache: boolean): Promise<Replica> {
  cluster.options.env.CACHE_ENABLED = String(cache);
  return cluster.startReplica('catalog');
}

async function main(): Promise<void> {
  const cluster = new LocalCluster(throwawayClusterOptions(CLUSTER, { catalog: 0 }, { redisUrl: REDIS_URL }));
  const results = new Map<string, Map<number, { cached: Figures; uncached: Figures }>>();
  const seedLines: string[] = [];
  try {
    process.stderr.write('starting the cluster (no replicas yet)...\n');
    await cluster.start((line) => process.stderr.write(`  ${line}\n`));
    const serverPid = databasePid();
    for (const size of SIZES) {
      process.stderr.write(`seeding up to ${size} products...\n`);
      const seedMs = await grow(cluster, size);
      seedLines.push(`seeding up to ${size.toLocaleString('en')} products: ${(seedMs / 1000).toFixed(1)} s`);
      const cached = await startCatalog(cluster, true);
      const uncached = await startCatalog(cluster, false);
      for (const replica of [cached, uncached]) await checkNewest(replica.port, size);
      for (const target of TARGETS) {
        process.stderr.write(`measuring ${target.name} at ${size}: ${ROUNDS} rounds of ${SECONDS}s, cache on and off...\n`);
        const path = target.path(size);
        const figures = {
          cached: await measure(`http://127.0.0.1:${cached.port}${path}`, cached.process.pid!, serverPid),
          uncached: await measure(`http://127.0.0.1:${uncached.port}${path}`, uncached.process.pid!, serverPid),
        };
        if (!results.has(target.name)) results.set(target.name, new Map());
        results.get(target.name)!.set(size, figures);
      }
      await Promise.all([cached.process.stop(), uncached.process.stop()]);
    }
  } finally {
    await cluster.stop();
  }
  const [small, large] = [SIZES[0], SIZES[SIZES.length - 1]];
  const lines = [
    `| target | cache | req/s at ${small} | at ${large} | p99 ms at ${small} | at ${large} | CPU µs/request replica + MariaDB at ${small} | at ${large} | cost ratio (CPU) | cost ratio (req/s) |`,
    '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  const ratios = { cached: { cpu: [] as number[], rate: [] as number[] }, uncached: { cpu: [] as number[], rate: [] as number[] } };
  const cost = (figures: Figures) => figures.replicaMicros + figures.databaseMicros;
  for (const [name, bySize] of results) {
    for (const cache of ['cached', 'uncached'] as const) {
      const [a, b] = [bySize.get(small)![cache], bySize.get(large)![cache]];
      const cpuRatio = cost(b) / cost(a);
      const rateRatio = a.requestsPerSecond / b.requestsPerSecond;
      ratios[cache].cpu.push(cpuRatio);
      ratios[cache].rate.push(rateRatio);
      lines.push(
        `| ${name} | ${cache === 'cached' ? 'on' : 'off'} | ${a.requestsPerSecond.toFixed(0)} | ${b.requestsPerSecond.toFixed(0)} | ${a.p99Ms.toFixed(1)} | ${b.p99Ms.toFixed(1)} | ` +
          `${a.replicaMicros.toFixed(0)} + ${a.databaseMicros.toFixed(0)} | ${b.replicaMicros.toFixed(0)} + ${b.databaseMicros.toFixed(0)} | ${cpuRatio.toFixed(2)} | ${rateRatio.toFixed(2)} |`,
      );
    }
  }
  const verdict = (ratio: number) => `${ratio.toFixed(2)}× — ${ratio <= GOAL ? 'goal met' : 'not met'}`;
  lines.push(
    '',
    ...seedLines,
    '',
    `goal 6, the list and search at ${large.toLocaleString('en')} products within ${GOAL}× of their ${small.toLocaleString('en')}-product cost, highest of the targets,`,
    `with the cache off (every request reaches MariaDB, where a bigger catalog can cost more):`,
    `  CPU per request (replica + MariaDB): ${verdict(Math.max(...ratios.uncached.cpu))}`,
    `  req/s (as loud as the machine's other work): ${verdict(Math.max(...ratios.uncached.rate))}`,
    `with the cache on (first pages from the replica's memory, deeper pages and searches from MariaDB; a memory answer's`,
    `cost does not depend on the catalog's size, so its ratio is the machine's noise): CPU ${Math.max(...ratios.cached.cpu).toFixed(2)}×, req/s ${Math.max(...ratios.cached.rate).toFixed(2)}×`,
  );
  process.stdout.write(`${lines.join('\n')}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${(error as Error).stack}\n`);
  process.exit(1);
});
