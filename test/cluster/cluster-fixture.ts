import { createConnection } from 'mysql2/promise';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseMysqlUrl } from '#libs/database';
import { signTestToken, TestTokenOptions } from '#libs/testing';
import { LocalClusterOptions, ServiceName } from '../../tools/stack/cluster-options';
import { LocalCluster } from '../../tools/stack/local-cluster';
import { throwawayClusterOptions } from '../../tools/stack/throwaway-cluster';

/** A local cluster for one test file: its own NATS server, databases, Redis prefix and HAProxy, all removed afterwards. */
export function createTestCluster(
  replicas: Partial<Record<ServiceName, number>>,
  env: Record<string, string> = {},
  options: Partial<LocalClusterOptions> = {},
): LocalCluster {
  return new LocalCluster(
    throwawayClusterOptions(`tc${randomBytes(3).toString('hex')}`, replicas, {
      redisUrl: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/0',
      ...options,
      // Long enough for HAProxy to see a SIGTERMed replica fail readiness before it stops answering.
      env: { SHUTDOWN_DRAIN_MS: '2500', ...env },
    }),
  );
}

/** A token signed with the cluster's own key, under its key id, as auth signs them (after the cluster has started). */
export function signClusterToken(cluster: LocalCluster, options: Omit<TestTokenOptions, 'kid'>): Promise<string> {
  const secret = (name: string) => readFileSync(join(cluster.options.workDir, 'secrets', name), 'utf8');
  return signTestToken(secret('jwt-private.pem'), { ...options, kid: secret('jwt-key-id').trim() });
}

/** Runs one SQL statement on a service's database (`cluster.databaseUrl(service)`) over a connection of its own. */
export async function queryDatabase<T = Record<string, unknown>>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const { host, port, username, password, database } = parseMysqlUrl(url);
  const connection = await createConnection({ host, port, user: username, password, database, timezone: 'Z' });
  try {
    return (await connection.query(sql, params))[0] as T[];
  } finally {
    await connection.end();
  }
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
