import Redis from 'ioredis';
import { createConnection as createTcpConnection } from 'node:net';
import { createConnection } from 'mysql2/promise';
import { parseMysqlUrl } from '#libs/database';

/** The client CPU one round trip costs on this machine: the floor under any request that makes it. */
export interface RoundTripFloor {
  /** A bare socket sending PING to Redis and waiting for PONG: no library, the kernel and the event loop only. */
  redisPingUs: number;
  /** mysql2 sending `DO 1` and reading its answer, as every replica's statement does. */
  mysqlUs: number;
}

async function cpuMicrosPerCall(count: number, call: () => Promise<unknown>): Promise<number> {
  for (let i = 0; i < 100; i++) await call();
  const start = process.cpuUsage();
  for (let i = 0; i < count; i++) await call();
  const spent = process.cpuUsage(start);
  return (spent.user + spent.system) / count;
}

/** Measures the round-trip floor, one round trip at a time (nothing else of the bench is running meanwhile). */
export async function measureRoundTripFloor(redisUrl: string, mysqlUrl: string, count = 3000): Promise<RoundTripFloor> {
  const { hostname, port } = new URL(redisUrl);
  const socket = createTcpConnection(Number(port || 6379), hostname);
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  let answered: (() => void) | undefined;
  socket.on('data', () => answered?.());
  const redisPingUs = await cpuMicrosPerCall(
    count,
    () =>
      new Promise<void>((resolve) => {
        answered = resolve;
        socket.write('PING\r\n');
      }),
  );
  socket.destroy();

  const { host, port: mysqlPort, username, password, database } = parseMysqlUrl(mysqlUrl);
  const mysql = await createConnection({ host, port: mysqlPort, user: username, password, database, trace: false });
  const mysqlUs = await cpuMicrosPerCall(count, () => mysql.query('DO 1'));
  await mysql.end();
  return { redisPingUs, mysqlUs };
}

/** Commands Redis has run so far (all clients): `INFO stats` total_commands_processed. */
export async function redisCommandsSoFar(redisUrl: string): Promise<number> {
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    return Number(/total_commands_processed:(\d+)/.exec(await redis.info('stats'))?.[1] ?? 0);
  } finally {
    redis.disconnect();
  }
}
