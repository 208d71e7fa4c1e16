import { createServer, get, Server } from 'node:http';
import Redis from 'ioredis';
import { listProcesses, sampleProcess } from '../capacity/process-sampler';
import { LocalCluster } from '../stack/local-cluster';
import { throwawayClusterOptions } from '../stack/throwaway-cluster';
import { freePort } from '#libs/testing';
import { benchNodeArguments } from './bench-node-arguments';
import { LoadResult, runWrk } from './wrk-runner';

// npm run bench:catalog: the cached reads of one catalog replica direct and through HAProxy, against a bare node:http
// server returning the same bytes read from Redis per request (the baseline), in rounds that alternate the three so
// the machine's noise falls on all of them alike; then DB queries with the cache on and off.
// BENCH_CPU_PROF and BENCH_NODE_ARGUMENTS: see bench-node-arguments.ts.
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379/0';
const GZIP = 'Accept-Encoding: gzip';

interface Target {
  name: string;
  path: string;
  gzip?: boolean;
}

async function dbQueries(port: number): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  return Number(/^db_queries_total(?:\{[^}]*\})? (\d+)/m.exec(text)?.[1] ?? 0);
}

/** The node:http baseline: each request reads the answer's bytes (as the replica sent them) from Redis. */
async function baselineServer(redis: Redis, gzipped: ReadonlySet<string>): Promise<{ server: Server; url: string }> {
  const server = createServer((request, response) => {
    const name = request.url?.slice(1) ?? '';
    const headers = { 'content-type': 'application/json; charset=utf-8', ...(gzipped.has(name) ? { 'content-encoding': 'gzip' } : {}) };
    void redis.getBuffer(`bench:baseline:${name}`).then((body) => (body ? response.writeHead(200, headers).end(body) : response.writeHead(404).end()));
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${port}` };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}
const range = (values: number[]) => `${Math.min(...values).toFixed(2)}–${Math.max(...values).toFixed(2)}`;

/** The answer's bytes as sent (fetch would decode a gzipped one) and whether they are gzipped. */
function rawAnswer(url: string, gzip: boolean): Promise<{ body: Buffer; gzipped: boolean }> {
  return new Promise((resolve, reject) => {
    get(url, { headers: gzip ? { 'accept-encoding': 'gzip' } : {} }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ body: Buffer.concat(chunks), gzipped: response.headers['content-encoding'] === 'gzip' }));
    }).on('error', reject);
  });
}

const sumCpu = ({ user, system }: NodeJS.CpuUsage) => user + system;
const micros = (values: number[]) => median(values).toFixed(0);

/** Runs `work` and answers, with its result, the CPU µs per request each of `pids` spent meanwhile. */
async function withCpu(pids: number[], work: () => Promise<LoadResult>): Promise<[LoadResult, number[]]> {
  const cpu = () => pids.map((pid) => sampleProcess(pid)?.cpuSeconds ?? NaN);
  const before = cpu();
  const result = await work();
  return [result, cpu().map((seconds, index) => ((seconds - before[index]) * 1e6) / result.requests)];
}

async function idOfFirst(url: string): Promise<string> {
  const page = (await (await fetch(url)).json()) as { items: { id: string }[] };
  if (!page.items[0]) throw new Error(`${url} has no items`);
  return page.items[0].id;
}

async function main(): Promise<void> {
  const cluster = new LocalCluster(
    throwawayClusterOptions('benchcatalog', { catalog: 1 }, { redisUrl: REDIS_URL, seedProducts: 5000, nodeArguments: benchNodeArguments() }),
  );
  const redis = new Redis(REDIS_URL);
  let baseline: { server: Server; url: string } | undefined;
  const targets: Target[] = [];
  try {
    process.stderr.write('starting one catalog replica behind HAProxy, seeding 5,000 products...\n');
    await cluster.start((line) => process.stderr.write(`  ${line}\n`));
    const replica = cluster.requireReplica('catalog-1');
    const direct = `http://127.0.0.1:${replica.port}`;
    const productId = await idOfFirst(`${direct}/api/catalog/products?limit=20`);
    const articleId = await idOfFirst(`${direct}/api/catalog/articles?limit=20`);
    targets.push(
      { name: 'home', path: '/api/catalog/home' },
      { name: 'home-gzip', path: '/api/catalog/home', gzip: true },
      { name: 'list', path: '/api/catalog/products?limit=20' },
      { name: 'list-gzip', path: '/api/catalog/products?limit=20', gzip: true },
      { name: 'product', path: `/api/catalog/products/${productId}` },
      { name: 'categories', path: '/api/catalog/categories' },
      { name: 'articles', path: '/api/catalog/articles?limit=20' },
      { name: 'article', path: `/api/catalog/articles/${articleId}` },
    );
    const gzipped = new Set<string>();
    for (const { name, path, gzip } of targets) {
      const answer = await rawAnswer(`${direct}${path}`, gzip === true);
      if (answer.gzipped) gzipped.add(name);
      await redis.set(`bench:baseline:${name}`, answer.body);
    }
    baseline = await baselineServer(redis, gzipped);

    const lines = [
      `| target | baseline req/s | direct req/s | direct p99 ms | HAProxy req/s | HAProxy p99 ms | direct × baseline | HAProxy × direct | CPU µs/request: baseline, replica, via HAProxy: replica + HAProxy | CPU: direct × baseline | CPU: HAProxy × direct | non-2xx |`,
      '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ];
    const summaries: string[] = [];
    const directRatios: number[] = [];
    const balancerRatios: number[] = [];
    const cpuDirectRatios: number[] = [];
    const cpuBalancerRatios: number[] = [];
    const haproxyPid = listProcesses().find((info) => info.ppid === process.pid && info.comm === 'haproxy')?.pid ?? 0;
    for (const { name, path, gzip } of targets) {
      process.stderr.write(`measuring ${name}: ${ROUNDS} rounds of baseline, direct, HAProxy (${SECONDS}s each, ${CONNECTIONS} connections)...\n`);
      const options = { headers: gzip ? [GZIP] : [] };
      const rounds: { base: LoadResult; one: LoadResult; balanced: LoadResult; cpu: { base: number; one: number; replica: number; haproxy: number } }[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        const baseCpu = process.cpuUsage();
        const base = await runWrk(`${baseline.url}/${name}`, CONNECTIONS, SECONDS, options);
        const baseMicros = sumCpu(process.cpuUsage(baseCpu)) / base.requests;
        const [one, oneMicros] = await withCpu([replica.process.pid!], () => runWrk(`${direct}${path}`, CONNECTIONS, SECONDS, options));
        const [balanced, [replicaMicros, haproxyMicros]] = await withCpu([replica.process.pid!, haproxyPid], () =>
          runWrk(`${cluster.publicUrl}${path}`, CONNECTIONS, SECONDS, options),
        );
        rounds.push({ base, one, balanced, cpu: { base: baseMicros, one: oneMicros[0], replica: replicaMicros, haproxy: haproxyMicros } });
      }
      const perRound = (pick: (r: (typeof rounds)[number]) => number) => rounds.map(pick);
      const directRatio = perRound((r) => r.one.requestsPerSecond / r.base.requestsPerSecond);
      const balancerRatio = perRound((r) => r.balanced.requestsPerSecond / r.one.requestsPerSecond);
      // Requests per CPU second: what each would serve with the machine to itself, far less noisy on a shared machine than req/s.
      const cpuDirect = perRound((r) => r.cpu.base / r.cpu.one);
      const cpuBalancer = perRound((r) => r.cpu.one / (r.cpu.replica + r.cpu.haproxy));
      directRatios.push(median(directRatio));
      balancerRatios.push(median(balancerRatio));
      cpuDirectRatios.push(median(cpuDirect));
      cpuBalancerRatios.push(median(cpuBalancer));
      const non2xx = rounds.reduce((sum, r) => sum + r.one.non2xx + r.balanced.non2xx + r.base.non2xx, 0);
      lines.push(
        `| ${name} | ${median(perRound((r) => r.base.requestsPerSecond)).toFixed(0)} | ${median(perRound((r) => r.one.requestsPerSecond)).toFixed(0)} | ` +
          `${median(perRound((r) => r.one.p99Ms)).toFixed(1)} | ${median(perRound((r) => r.balanced.requestsPerSecond)).toFixed(0)} | ` +
          `${median(perRound((r) => r.balanced.p99Ms)).toFixed(1)} | ${median(directRatio).toFixed(2)} (${range(directRatio)}) | ` +
          `${median(balancerRatio).toFixed(2)} (${range(balancerRatio)}) | ${micros(perRound((r) => r.cpu.base))}, ${micros(perRound((r) => r.cpu.one))}, ` +
          `${micros(perRound((r) => r.cpu.replica))} + ${micros(perRound((r) => r.cpu.haproxy))} | ${median(cpuDirect).toFixed(2)} | ${median(cpuBalancer).toFixed(2)} | ${non2xx} |`,
      );
    }
    const goal = (ratio: number, target: number, stretch?: number) =>
      `${ratio.toFixed(2)}× — ${ratio >= target ? `goal met${stretch ? (ratio >= stretch ? ', stretch met' : ', stretch not met') : ''}` : 'not met'}`;
    summaries.push(
      `goal 1, cached reads on one replica ≥ 0.80× the node:http + Redis baseline (stretch ≥ 1.00×), lowest of the targets' medians:`,
      `  requests per CPU second: ${goal(Math.min(...cpuDirectRatios), 0.8, 1)}`,
      `  req/s (as loud as the machine's other work): ${goal(Math.min(...directRatios), 0.8, 1)}`,
      `goal 2, through HAProxy ≥ 0.90× the replica direct, lowest of the targets' medians:`,
      `  requests per CPU second (replica + HAProxy): ${goal(Math.min(...cpuBalancerRatios), 0.9)}`,
      `  req/s: ${goal(Math.min(...balancerRatios), 0.9)}`,
    );

    process.stderr.write('counting database queries with the cache on and off...\n');
    const home = '/api/catalog/home';
    const before = await dbQueries(replica.port);
    const cached = await runWrk(`${direct}${home}`, CONNECTIONS, 3);
    const withCache = ((await dbQueries(replica.port)) - before) / cached.requests;
    cluster.options.env.CACHE_ENABLED = 'false';
    const uncachedReplica = await cluster.startReplica('catalog');
    const beforeOff = await dbQueries(uncachedReplica.port);
    const uncached = await runWrk(`http://127.0.0.1:${uncachedReplica.port}${home}`, CONNECTIONS, 3);
    const withoutCache = ((await dbQueries(uncachedReplica.port)) - beforeOff) / uncached.requests;
    lines.push(
      '',
      '| GET /api/catalog/home | requests | DB queries per 10,000 requests |',
      '|---|---:|---:|',
      `| cache on | ${cached.requests} | ${(withCache * 10000).toFixed(2)} |`,
      `| cache off | ${uncached.requests} | ${(withoutCache * 10000).toFixed(0)} |`,
      `| reduction | | ${withCache === 0 ? `> ${(withoutCache * cached.requests).toFixed(0)}× (no query at all in ${cached.requests} requests)` : `${(withoutCache / withCache).toFixed(0)}×`} |`,
      '',
      ...summaries,
    );
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    baseline?.server.close();
    if (targets.length) await redis.del(...targets.map(({ name }) => `bench:baseline:${name}`));
    redis.disconnect();
    await cluster.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${(error as Error).stack}\n`);
  process.exit(1);
});
