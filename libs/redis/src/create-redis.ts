import Redis, { RedisOptions } from 'ioredis';

/** How a connection is going to be used. */
export interface RedisConnectionOptions {
  /** Prepended to every key this connection touches. */
  keyPrefix?: string;
  /** BullMQ needs blocking connections that never give up on a command (`maxRetriesPerRequest: null`). */
  forQueues?: boolean;
  connectionName?: string;
}

/** The one place ioredis connections are made: bounded retries so a dead Redis fails fast instead of hanging requests. */
export function createRedis(url: string, options: RedisConnectionOptions = {}): Redis {
  const common: RedisOptions = {
    keyPrefix: options.keyPrefix,
    connectionName: options.connectionName,
    connectTimeout: 2000,
    retryStrategy: (attempt) => Math.min(attempt * 100, 1000),
    lazyConnect: false,
  };
  const perUse: RedisOptions = options.forQueues
    ? { maxRetriesPerRequest: null, enableReadyCheck: false }
    : { maxRetriesPerRequest: 1, commandTimeout: 1000, enableOfflineQueue: true };
  return new Redis(url, { ...common, ...perUse });
}
