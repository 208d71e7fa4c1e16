import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalClusterOptions, ServiceName } from './cluster-options';

/**
 * Options of a cluster made for one run (a test, a benchmark) and removed after it: free ports, a work
 * directory of its own, databases named `<name>_<service>`, Redis keys under `<name>:`. Every request of such
 * a run comes from 127.0.0.1, so the per-address rate limits are lifted; the drain wait is 0 unless given.
 */
export function throwawayClusterOptions(
  name: string,
  replicas: Partial<Record<ServiceName, number>>,
  overrides: Partial<LocalClusterOptions> = {},
): LocalClusterOptions {
  if (!/^[a-z0-9]{1,20}$/.test(name)) throw new Error(`cluster name "${name}" must be 1-20 of a-z 0-9`);
  return {
    publicPort: 0,
    statsPort: 0,
    replicaBasePort: 0,
    sandboxPort: 0,
    workDir: mkdtempSync(join(tmpdir(), `${name}-`)),
    mysqlAdminUrl: process.env.MYSQL_ADMIN_URL ?? 'mysql://root@127.0.0.1:3306/mysql',
    redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379/0',
    databasePrefix: `${name}_`,
    redisPrefix: `${name}:`,
    seedProducts: 0,
    dropDatabasesOnStop: true,
    ...overrides,
    replicas: { auth: 0, catalog: 0, orders: 0, upload: 0, ...replicas },
    env: { LOG_LEVEL: 'warn', THROTTLE_LIMIT: '1000000000', THROTTLE_SENSITIVE_LIMIT: '1000000000', SHUTDOWN_DRAIN_MS: '0', ...overrides.env },
  };
}
