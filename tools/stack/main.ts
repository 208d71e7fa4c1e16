import { resolve } from 'node:path';
import { LocalCluster } from './local-cluster';
import { parseStackArguments } from './stack-arguments';

// npm run stack -- [--replicas 2] [--auth 3] [--port 8080] | --one-process: the whole backend on this machine behind HAProxy.
async function main(): Promise<void> {
  const { replicas, oneProcessReplicas, port } = parseStackArguments(process.argv.slice(2));
  const workDir = resolve('.stack');
  const cluster = new LocalCluster({
    replicas,
    oneProcessReplicas,
    publicPort: port,
    statsPort: 8404,
    replicaBasePort: 3100,
    sandboxPort: 3900,
    workDir,
    mysqlAdminUrl: process.env.MYSQL_ADMIN_URL ?? 'mysql://root@127.0.0.1:3306/mysql',
    redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379/0',
    natsUrl: process.env.NATS_URL ?? 'nats://127.0.0.1:4222',
    databasePrefix: 'mp_',
    redisPrefix: '',
    env: pick(process.env, ['LOG_LEVEL', 'ACCESS_LOG', 'ADMIN_BOOTSTRAP_USERNAME', 'ADMIN_BOOTSTRAP_PASSWORD', 'SHUTDOWN_DRAIN_MS']),
    seedProducts: 5000,
    dropDatabasesOnStop: false,
  });
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    process.stdout.write('\nstopping...\n');
    await cluster.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());

  try {
    await cluster.start((line) => process.stdout.write(`${line}\n`));
  } catch (error) {
    await cluster.stop();
    throw error;
  }
  for (const replica of cluster.replicas.values())
    process.stdout.write(`  ${replica.name.padEnd(10)} pid ${replica.process.pid}  http://127.0.0.1:${replica.port}\n`);
  process.stdout.write(
    `\nAPI:           ${cluster.publicUrl}/api/...\nStaff console: ${cluster.publicUrl}/admin/\nHAProxy stats: ${cluster.statsUrl}/stats\nWeChat sandbox: ${cluster.sandboxUrl}\nLogs:          ${workDir}/logs\nCtrl-C stops everything.\n`,
  );
}

function pick(env: NodeJS.ProcessEnv, names: string[]): Record<string, string> {
  return Object.fromEntries(names.filter((name) => env[name] !== undefined).map((name) => [name, env[name]!]));
}

main().catch((error: unknown) => {
  process.stderr.write(`stack failed: ${(error as Error).message}\n`);
  process.exit(1);
});
