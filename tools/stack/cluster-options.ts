/** The services of this backend, in start order. */
export const SERVICES = ['auth', 'catalog', 'orders', 'upload'] as const;
/** One of the services. */
export type ServiceName = (typeof SERVICES)[number];

/** What a replica runs: one service, or every service in one process (`all`, stage 2). */
export type ReplicaKind = ServiceName | 'all';

/** How a local cluster is laid out. */
export interface LocalClusterOptions {
  replicas: Record<ServiceName, number>;
  /** Processes running all four services each (`npm run stack -- --one-process`), started besides `replicas` (usually all 0). */
  oneProcessReplicas?: number;
  /** HAProxy's public port (0: any free port). */
  publicPort: number;
  /** HAProxy's stats and Prometheus port (0: any free port). */
  statsPort: number;
  /** First port of each service's replicas (auth 3101, 3102, ...); 0: free ports. */
  replicaBasePort: number;
  /** WeChat sandbox port (0: any free port). */
  sandboxPort: number;
  /** Logs, rendered config, secrets. */
  workDir: string;
  mysqlAdminUrl: string;
  redisUrl: string;
  /** NATS to use; when absent the cluster runs a nats-server of its own. */
  natsUrl?: string;
  /** Databases and their users are `<prefix><service>`. */
  databasePrefix: string;
  /** Prefix of every Redis key the cluster writes ('' keeps the services' defaults). */
  redisPrefix: string;
  /** Extra variables for every replica (e.g. SHUTDOWN_DRAIN_MS). */
  env: Record<string, string>;
  /** Extra Node.js options for every replica, before its script (e.g. `--cpu-prof`, which NODE_OPTIONS may not carry). */
  nodeArguments?: string[];
  /** Demo products to seed into the catalog after migrating (0: none). */
  seedProducts: number;
  /** Drop the databases and users when the cluster stops (tests). */
  dropDatabasesOnStop: boolean;
}
