import { createServer, Server } from 'node:http';
import Redis from 'ioredis';
import { LocalCluster } from '../stack/local-cluster';
import { throwawayClusterOptions } from '../stack/throwaway-cluster';
import { freePort } from '#libs/testing';
import { LoadResult, runWrk } from './wrk-runner';

// npm run bench:catalog: one catalog replica direct, the same through HAProxy, and a bare node:http server
// returning the same bytes read from Redis per request (the baseline); plus DB queries with the cache on and off.
const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379/0';

async function dbQueries(port: number): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  return Number(/^db_queries_total(?:\{[^}]*\})? (\d+)/m.exec(text)?.[1] ?? 0);
}

async function baselineServer(redis: Redis, keys: Record<string, string>): Promise<{ server: Server; url: string }> {
  const server = createServer((request, response) => {
    const key = keys[request.url ?? ''];
    if (!key) return void response.writeHead(404).end();
    void redis.getBuffer(key).then((body) => response.writeHead(200, { 'content-type': 'application/json; charset=utf-8' }).end(body));
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${port}` };
}

const row = (label: string, result: LoadResult, baseline: LoadResult) =>
  `| ${label.padEnd(34)} | ${result.requestsPerSecond.toFixed(0).padStart(8)} | ${result.p50Ms.toFixed(2).padStart(7)} | ${result.p99Ms.toFixed(2).padStart(7)} | ${(result.requestsPerSecond / baseline.requestsPerSecond).toFixed(2).padStart(6)} | ${String(result.non2xx).padStart(5)} |`;

async function main(): Promise<void> {
  const cluster = new LocalCluster(throwawayClusterOptions('benchcatalog', { catalog: 1 }, { redisUrl: REDIS_URL, seedProducts: 5000 }));
  const redis = new Redis(REDIS_URL);
  let baseline: { server: Server; url: string } | undefined;
  try {
    process.stderr.write('starting one catalog replica behind HAProxy, seeding 5,000 products...\n');
    await cluster.start((line) => process.stderr.write(`  ${line}\n`));
    const replica = cluster.requireReplica('catalog-1');
    const direct = `http://127.0.0.1:${replica.port}`;
    const paths = { home: '/api/catalog/home', list: '/api/catalog/products?limit=20' };
    for (const [name, path] of Object.entries(paths))
      await redis.set(`bench:baseline:${name}`, Buffer.from(await (await fetch(`${direct}${path}`)).arrayBuffer()));
    baseline = await baselineServer(redis, { '/home': 'bench:baseline:home', '/list': 'bench:baseline:list' });

    const lines = ['| target | req/s | p50 ms | p99 ms | × baseline | non-2xx |', '|---|---:|---:|---:|---:|---:|'];
    for (const [name, path] of Object.entries(paths)) {
      process.stderr.write(`measuring ${name} (${SECONDS}s per target, ${CONNECTIONS} connections)...\n`);
      const base = await runWrk(`${baseline.url}/${name}`, CONNECTIONS, SECONDS);
      const one = await runWrk(`${direct}${path}`, CONNECTIONS, SECONDS);
      const balanced = await runWrk(`${cluster.publicUrl}${path}`, CONNECTIONS, SECONDS);
      lines.push(
        row(`${name}: node:http + Redis (baseline)`, base, base),
        row(`${name}: one replica direct`, one, base),
        row(`${name}: through HAProxy`, balanced, base),
      );
      lines.push(`|  ${name}: HAProxy / direct = ${(balanced.requestsPerSecond / one.requestsPerSecond).toFixed(2)} | | | | | |`);
    }

    process.stderr.write('counting database queries with the cache on and off...\n');
    const before = await dbQueries(replica.port);
    const cached = await runWrk(`${direct}${paths.home}`, CONNECTIONS, 3);
    const withCache = ((await dbQueries(replica.port)) - before) / cached.requests;
    cluster.options.env.CACHE_ENABLED = 'false';
    const uncachedReplica = await cluster.startReplica('catalog');
    const beforeOff = await dbQueries(uncachedReplica.port);
    const uncached = await runWrk(`http://127.0.0.1:${uncachedReplica.port}${paths.home}`, CONNECTIONS, 3);
    const withoutCache = ((await dbQueries(uncachedReplica.port)) - beforeOff) / uncached.requests;
    lines.push(
      '',
      '| GET /api/catalog/home | requests | DB queries per 10,000 requests |',
      '|---|---:|---:|',
      `| cache on | ${cached.requests} | ${(withCache * 10000).toFixed(2)} |`,
      `| cache off | ${uncached.requests} | ${(withoutCache * 10000).toFixed(0)} |`,
      `| reduction | | ${withCache === 0 ? `> ${(withoutCache * cached.requests).toFixed(0)}× (no query at all in ${cached.requests} requests)` : `${(withoutCache / withCache).toFixed(0)}×`} |`,
    );
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    baseline?.server.close();
    await redis.del('bench:baseline:home', 'bench:baseline:list');
    redis.disconnect();
    await cluster.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${(error as Error).stack}\n`);
  process.exit(1);
});
