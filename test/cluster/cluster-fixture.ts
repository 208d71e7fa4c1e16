import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalCluster } from '../../tools/stack/local-cluster';
import { LocalClusterOptions, ServiceName } from '../../tools/stack/cluster-options';

/** A local cluster for one test file: its own NATS server, databases, Redis prefix and HAProxy, all removed afterwards. */
export function createTestCluster(
  replicas: Partial<Record<ServiceName, number>>,
  env: Record<string, string> = {},
  options: Partial<LocalClusterOptions> = {},
): LocalCluster {
  const id = randomBytes(3).toString('hex');
  return new LocalCluster({
    replicas: { auth: 0, catalog: 0, orders: 0, upload: 0, ...replicas },
    publicPort: 0,
    statsPort: 0,
    replicaBasePort: 0,
    sandboxPort: 0,
    workDir: mkdtempSync(join(tmpdir(), 'mpc-')),
    mysqlAdminUrl: process.env.MYSQL_ADMIN_URL ?? 'mysql://root@127.0.0.1:3306/mysql',
    redisUrl: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/0',
    databasePrefix: `tc${id}_`,
    redisPrefix: `tc${id}:`,
    // Every request of a test comes from 127.0.0.1: the per-address budget must not be what a test measures.
    env: { LOG_LEVEL: 'warn', SHUTDOWN_DRAIN_MS: '2500', THROTTLE_LIMIT: '1000000', THROTTLE_SENSITIVE_LIMIT: '100000', ...env },
    seedProducts: 0,
    dropDatabasesOnStop: true,
    ...options,
  });
}

/** Result of a request loop: how many requests ran and which failed. */
export interface LoopResult {
  total: number;
  failures: string[];
}

/** Runs `request` from `concurrency` clients back to back until `stop()` resolves; a non-2xx or network error is a failure. */
export async function loopRequests(request: () => Promise<Response>, concurrency: number, until: Promise<unknown>): Promise<LoopResult> {
  let done = false;
  void until.finally(() => (done = true));
  const result: LoopResult = { total: 0, failures: [] };
  const client = async () => {
    while (!done) {
      result.total++;
      try {
        const response = await request();
        const body = await response.text();
        if (response.status >= 300) result.failures.push(`${response.status} ${body.slice(0, 200)}`);
      } catch (error) {
        result.failures.push((error as Error).message);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, client));
  return result;
}

/** Resolves after `ms`. */
export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
