import { Inject, Injectable, Logger } from '@nestjs/common';
import { ThrottlerStorage } from '@nestjs/throttler';
import Redis from 'ioredis';
import { REDIS } from '#libs/redis';

// Fixed window per key; a key over its limit is blocked for blockDuration. Atomic, so replicas share one count.
const INCREMENT = `
local hits = redis.call('INCR', KEYS[1])
if hits == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
local blockTtl = redis.call('PTTL', KEYS[2])
if blockTtl < 0 and hits > tonumber(ARGV[2]) then
  redis.call('SET', KEYS[2], '1', 'PX', ARGV[3])
  blockTtl = tonumber(ARGV[3])
end
return { hits, ttl, blockTtl }
`;

type RedisWithThrottle = Redis & {
  throttleIncrement(hitsKey: string, blockKey: string, ttl: number, limit: number, block: number): Promise<[number, number, number]>;
};

/** Throttler counters kept in Redis, so a limit holds across all replicas of a service. */
@Injectable()
export class RedisThrottlerStorage implements ThrottlerStorage {
  private readonly logger = new Logger(RedisThrottlerStorage.name);
  private readonly redis: RedisWithThrottle;

  constructor(@Inject(REDIS) redis: Redis) {
    redis.defineCommand('throttleIncrement', { numberOfKeys: 2, lua: INCREMENT });
    this.redis = redis as RedisWithThrottle;
  }

  async increment(key: string, ttl: number, limit: number, blockDuration: number, throttlerName: string) {
    try {
      const base = `throttle:${throttlerName}:${key}`;
      const [totalHits, ttlMs, blockMs] = await this.redis.throttleIncrement(`${base}:hits`, `${base}:blocked`, ttl, limit, blockDuration || ttl);
      const isBlocked = blockMs > 0;
      return { totalHits, timeToExpire: Math.ceil(ttlMs / 1000), isBlocked, timeToBlockExpire: isBlocked ? Math.ceil(blockMs / 1000) : 0 };
    } catch (error) {
      // A Redis outage must not take the API down with it: requests pass unthrottled until it is back.
      this.logger.warn({ msg: 'throttling skipped, Redis unavailable', error: (error as Error).message });
      return { totalHits: 0, timeToExpire: 0, isBlocked: false, timeToBlockExpire: 0 };
    }
  }
}
