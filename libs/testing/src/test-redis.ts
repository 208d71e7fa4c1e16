import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';

/** The shared Redis that tests use under key prefixes of their own. */
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/0';
/** The shared NATS server tests use. */
export const TEST_NATS_URL = process.env.TEST_NATS_URL ?? 'nats://127.0.0.1:4222';

/** Key prefixes unique to one test file, and a way to delete every key under them. */
export interface TestRedisNamespace {
  servicePrefix: string;
  sharedPrefix: string;
  cleanUp(): Promise<void>;
}

/** Makes a namespace `t<random>:` so tests never see each other's keys. */
export function createTestRedisNamespace(service: string): TestRedisNamespace {
  const root = `t${randomBytes(4).toString('hex')}:`;
  return {
    servicePrefix: `${root}${service}:`,
    sharedPrefix: `${root}shared:`,
    async cleanUp() {
      const redis = new Redis(TEST_REDIS_URL);
      try {
        let cursor = '0';
        do {
          const [next, keys] = await redis.scan(cursor, 'MATCH', `${root}*`, 'COUNT', 500);
          if (keys.length) await redis.del(...keys);
          cursor = next;
        } while (cursor !== '0');
      } finally {
        redis.disconnect();
      }
    },
  };
}

/** What a test gives a service of its own: a database, a Redis namespace and (optionally) a NATS server. */
export interface TestServiceResources {
  databaseUrl: string;
  redis: TestRedisNamespace;
  natsUrl?: string;
}

/** The variables every service needs in a test: its own database and Redis keys, quiet logs, no drain wait. */
export function testServiceEnv(resources: TestServiceResources): Record<string, string> {
  return {
    NODE_ENV: 'test',
    PORT: '1',
    LOG_LEVEL: 'warn',
    DATABASE_URL: resources.databaseUrl,
    REDIS_URL: TEST_REDIS_URL,
    REDIS_KEY_PREFIX: resources.redis.servicePrefix,
    REDIS_SHARED_PREFIX: resources.redis.sharedPrefix,
    NATS_URL: resources.natsUrl ?? TEST_NATS_URL,
    SHUTDOWN_DRAIN_MS: '0',
  };
}
