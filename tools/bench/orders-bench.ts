import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createConnection } from 'mysql2/promise';
import { parseMysqlUrl } from '#libs/database';
import { signTestToken } from '#libs/testing';
import { LocalCluster } from '../stack/local-cluster';
import { throwawayClusterOptions } from '../stack/throwaway-cluster';
import { benchNodeArguments } from './bench-node-arguments';
import { measureRoundTripFloor, redisCommandsSoFar } from './round-trip-floor';
import { LoadResult, parseWrkReport } from './wrk-runner';

// npm run bench:orders: create-order throughput and latency at 50 concurrent users through HAProxy in front of 2 orders
// (and 2 catalog) replicas, on one hot SKU and on many SKUs; then checks that stock sold + stock left = stock at start.
// BENCH_CPU_PROF=<dir>: the replicas' CPU profiles (bench-node-arguments.ts).
const SECONDS = Number(process.env.BENCH_SECONDS ?? 15);
const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP_SECONDS ?? 3);
const USERS = Number(process.env.BENCH_USERS ?? 50);
const REPLICAS = Number(process.env.BENCH_REPLICAS ?? 2);
const HOT_STOCK = 1_000_000;
const MANY_SKUS = 250;
const MANY_STOCK = 100_000;

const run = promisify(execFile);

async function query<T>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const { host, port, username, password, database } = parseMysqlUrl(url);
  const connection = await createConnection({ host, port, user: username, password, database, timezone: 'Z' });
  try {
    return (await connection.query(sql, params))[0] as T[];
  } finally {
    await connection.end();
  }
}

/** A wrk script: each request a POST /api/orders for one unit of a random SKU of `skus`, users taken in turn. */
function wrkScript(tokens: string[], skus: string[]): string {
  const list = (values: string[]) => `{ ${values.map((value) => `"${value}"`).join(', ')} }`;
  return `
local tokens = ${list(tokens)}
local skus = ${list(skus)}
local n = 0
request = function()
  n = n + 1
  local body = '{"items":[{"skuId":"' .. skus[math.random(#skus)] .. '","quantity":1}],"contact":{"name":"Bench","phone":"13800138000"}}'
  return wrk.format("POST", "/api/orders", { ["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. tokens[(n % #tokens) + 1] }, body)
end
`;
}

/** CPU time (user + system, ms) a process has used so far, from /proc (Linux). */
function cpuMs(pid: number | undefined): number {
  if (!pid) return 0;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8')
      .replace(/^.*\) /, '')
      .split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return 0;
  }
}

async function wrk(url: string, script: string, seconds: number): Promise<LoadResult> {
  const { stdout } = await run('wrk', ['-t1', `-c${USERS}`, `-d${seconds}s`, '--latency', '-s', script, url], { maxBuffer: 1 << 20 });
  return parseWrkReport(stdout);
}

async function main(): Promise<void> {
  const workDir = mkdtempSync(join(tmpdir(), 'bench-orders-'));
  const cluster = new LocalCluster(
    throwawayClusterOptions('benchorders', { auth: 1, catalog: REPLICAS, orders: REPLICAS }, { workDir, nodeArguments: benchNodeArguments() }),
  );
  try {
    process.stderr.write(`starting auth, ${REPLICAS} catalog and ${REPLICAS} orders replicas behind HAProxy...\n`);
    await cluster.start((line) => process.stderr.write(`  ${line}\n`));
    const secrets = join(workDir, 'secrets');
    const sign = (options: Parameters<typeof signTestToken>[1]) =>
      signTestToken(readFileSync(join(secrets, 'jwt-private.pem'), 'utf8'), {
        kid: readFileSync(join(secrets, 'jwt-key-id'), 'utf8').trim(),
        expiresAt: Math.floor(Date.now() / 1000) + 7200,
        ...options,
      });
    const staff = await sign({ subject: '01BENCHSTAFF00000000000000', kind: 'staff', roles: ['admin'] });
    const tokens = await Promise.all(Array.from({ length: USERS }, (_, i) => sign({ subject: `01BENCHUSER${String(i).padStart(15, '0')}` })));

    const admin = async (path: string, body: unknown) => {
      const response = await fetch(`${cluster.publicUrl}/api/catalog/admin${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${staff}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      const json = (await response.json()) as { id: string; skus: { id: string }[] };
      if (response.status !== 201) throw new Error(`seeding failed: ${response.status} ${JSON.stringify(json)}`);
      return json;
    };
    const category = await admin('/categories', { name: 'Bench' });
    const hot = (await admin('/products', { categoryId: category.id, title: 'Hot item', skus: [{ name: 'only', priceFen: 990, stock: HOT_STOCK }] })).skus[0]
      .id;
    const many: string[] = [];
    for (let p = 0; p < MANY_SKUS / 50; p++) {
      const skus = Array.from({ length: 50 }, (_, i) => ({ name: `sku ${p}-${i}`, priceFen: 100 + i, stock: MANY_STOCK }));
      many.push(...(await admin('/products', { categoryId: category.id, title: `Item ${p}`, skus })).skus.map((sku) => sku.id));
    }
    const stockAtStart = new Map<string, number>([[hot, HOT_STOCK], ...many.map((sku): [string, number] => [sku, MANY_STOCK])]);

    const statementsSoFar = async () => Number((await query<{ Value: string }>(cluster.databaseUrl('orders'), "SHOW GLOBAL STATUS LIKE 'Questions'"))[0].Value);
    const floor = await measureRoundTripFloor(cluster.options.redisUrl, cluster.databaseUrl('orders'));

    const results: [string, LoadResult][] = [];
    const cpu: string[] = [];
    const trips: string[] = [];
    const cpuPerOrder: number[] = [];
    const replicas = [...cluster.replicas.values()].filter((replica) => replica.service !== 'auth');
    for (const [label, skus] of [
      ['one hot SKU', [hot]],
      [`${MANY_SKUS} SKUs`, many],
    ] as const) {
      const script = join(workDir, `${label.replace(/\W+/g, '-')}.lua`);
      writeFileSync(script, wrkScript(tokens, [...skus]));
      process.stderr.write(`${label}: warming up ${WARMUP_SECONDS}s, then measuring ${SECONDS}s with ${USERS} users...\n`);
      await wrk(cluster.publicUrl, script, WARMUP_SECONDS);
      const [statementsBefore, commandsBefore] = [await statementsSoFar(), await redisCommandsSoFar(cluster.options.redisUrl)];
      const before = replicas.map((replica) => cpuMs(replica.process.pid));
      const result = await wrk(cluster.publicUrl, script, SECONDS);
      results.push([label, result]);
      const orders = Math.max(result.requests, 1);
      const statements = (await statementsSoFar()) - statementsBefore;
      const commands = (await redisCommandsSoFar(cluster.options.redisUrl)) - commandsBefore;
      trips.push(
        `per order (${label}): ${(statements / orders).toFixed(1)} MariaDB statements, ${(commands / orders).toFixed(1)} Redis commands (all clients)`,
      );
      const spent = replicas.map((replica, i) => (cpuMs(replica.process.pid) - before[i]) / Math.max(result.requests, 1));
      cpuPerOrder.push(spent.reduce((sum, ms) => sum + ms, 0));
      cpu.push(`CPU ms per order (${label}): ${replicas.map((replica, i) => `${replica.name} ${spent[i].toFixed(2)}`).join(', ')}`);
    }

    // wrk stops with requests still in flight; they finish on the replicas before the books are checked.
    for (let waited = 0; waited < 20000; waited += 250) {
      const [inFlight] = await query<{ n: number }>(
        cluster.databaseUrl('orders'),
        "SELECT COUNT(*) AS n FROM orders WHERE placed_at IS NULL AND stock_state = 'reserving'",
      );
      if (Number(inFlight.n) === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    // Sold: units of placed orders that hold their stock; left: the catalog's count. Cancelled orders gave theirs back.
    const sold = await query<{ skuId: string; units: number }>(
      cluster.databaseUrl('orders'),
      "SELECT i.sku_id AS skuId, SUM(i.quantity) AS units FROM orders o JOIN order_items i ON i.order_id = o.id WHERE o.placed_at IS NOT NULL AND o.status <> 'cancelled' GROUP BY i.sku_id",
    );
    const left = await query<{ id: string; stock: number }>(cluster.databaseUrl('catalog'), 'SELECT id, stock FROM skus');
    const [hidden] = await query<{ n: number }>(
      cluster.databaseUrl('orders'),
      "SELECT COUNT(*) AS n FROM orders WHERE placed_at IS NULL AND stock_state IN ('reserving', 'releasing')",
    );
    const soldBySku = new Map(sold.map((row) => [row.skuId, Number(row.units)]));
    const mismatches = left.filter((row) => (soldBySku.get(row.id) ?? 0) + Number(row.stock) !== stockAtStart.get(row.id));
    const totalSold = [...soldBySku.values()].reduce((a, b) => a + b, 0);
    const totalLeft = left.reduce((sum, row) => sum + Number(row.stock), 0);
    const totalStart = [...stockAtStart.values()].reduce((a, b) => a + b, 0);

    const lines = [
      `POST /api/orders through HAProxy, ${REPLICAS} orders + ${REPLICAS} catalog replicas, ${USERS} concurrent users, ${SECONDS}s each (wrk, one thread)`,
      '',
      '| scenario | orders | orders/s | p50 ms | p99 ms | non-2xx |',
      '|---|---:|---:|---:|---:|---:|',
      ...results.map(
        ([label, r]) => `| ${label} | ${r.requests} | ${r.requestsPerSecond.toFixed(0)} | ${r.p50Ms.toFixed(1)} | ${r.p99Ms.toFixed(1)} | ${r.non2xx} |`,
      ),
      '',
      `stock check: sold ${totalSold} + left ${totalLeft} = ${totalSold + totalLeft}, at start ${totalStart}: ${totalSold + totalLeft === totalStart && mismatches.length === 0 ? 'OK' : `MISMATCH on ${mismatches.length} SKUs`}; unfinished creations holding stock: ${Number(hidden.n)}`,
      ...cpu,
      ...trips,
      `one round trip's client CPU on this machine: ${floor.redisPingUs.toFixed(0)} µs for a PING to Redis on a bare socket, ${floor.mysqlUs.toFixed(0)} µs for a statement through mysql2`,
      `goal, CPU per order across the services ≤ 1 ms: ${Math.max(...cpuPerOrder).toFixed(2)} ms at most — ${Math.max(...cpuPerOrder) <= 1 ? 'goal met' : 'not met'}`,
      `goal, p99 ≤ 100 ms at ${USERS} users through HAProxy: ${Math.max(...results.map(([, r]) => r.p99Ms)).toFixed(1)} ms at most — ${results.every(([, r]) => r.p99Ms <= 100) ? 'goal met' : 'not met'}`,
      `goal, the books balanced (sold + left = start): ${totalSold + totalLeft === totalStart && mismatches.length === 0 ? 'goal met' : 'not met'}`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
    if (mismatches.length || totalSold + totalLeft !== totalStart) process.exitCode = 1;
  } finally {
    await cluster.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${(error as Error).stack}\n`);
  process.exit(1);
});
