import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import Redis from 'ioredis';
import { randomUUID } from 'node:crypto';
import { isDependencyOutage } from '#libs/errors';
import { NATS_CONNECTION } from '#libs/messaging';
import { SERVICE_NAME } from '#libs/metrics';
import { REDIS } from '#libs/redis';
import { CachedAnswer } from './cached-answer';
import { CacheMetrics } from './cache-metrics';
import { CACHE_OPTIONS } from './cache-options';
import type { CacheOptions } from './cache-options';
import { LocalLru } from './local-lru';

const EPOCH_FRESH_MS = 1000;
// How long a superseded version may still be served while the database is unreachable.
const LAST_GOOD_TTL_MS = 24 * 3600 * 1000;
const POLL_MS = 20;
const FLUSH_WAIT_MS = 200;
const DELETE_IF_EQUAL = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

class RedisUnavailable extends Error {}

/**
 * Read models cached as JSON text (serialised once, served as bytes) in two tiers: each replica's memory (as
 * {@link CachedAnswer}s, ready bytes) and Redis. Keys live in namespaces with an epoch in Redis: invalidating a namespace bumps its epoch (old Redis
 * entries become unreachable, so a rebuild racing the edit cannot resurrect them) and broadcasts on NATS so
 * every replica drops its local copies at once. A cold key is rebuilt by one replica of the cluster while the
 * others wait for its result. With Redis down, reads go to the loader (the database) and recover by themselves;
 * with the database down, the last version built (kept apart from the epochs) is served rather than a 503.
 */
@Injectable()
export class JsonCache implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(JsonCache.name);
  private readonly local: LocalLru<CachedAnswer>;
  private readonly lastGood: LocalLru;
  private readonly epochs = new Map<string, { epoch: string; fetchedAt: number }>();
  private readonly inFlight = new Map<string, Promise<CachedAnswer>>();
  private readonly subject: string;
  private subscription?: Subscription;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(NATS_CONNECTION) private readonly nats: NatsConnection,
    @Inject(SERVICE_NAME) service: string,
    @Inject(CACHE_OPTIONS) private readonly options: CacheOptions,
    private readonly metrics: CacheMetrics,
  ) {
    this.local = new LocalLru(options.localMaxEntries);
    this.lastGood = new LocalLru(options.localMaxEntries);
    this.subject = `cache.invalidate.${service}`;
  }

  onModuleInit(): void {
    this.subscription = this.nats.subscribe(this.subject, {
      callback: (error, message) => {
        if (error) return;
        try {
          this.forgetLocally(message.json<Record<string, string>>());
        } catch {
          this.logger.warn('malformed cache invalidation message');
        }
      },
    });
  }

  onApplicationShutdown(): void {
    this.subscription?.unsubscribe();
  }

  /** The JSON text cached under `namespace`/`key`, built from `load()` (serialised once) when absent everywhere. */
  async get(namespace: string, key: string, load: () => Promise<unknown>): Promise<string> {
    return (await this.answer(namespace, key, load)).text();
  }

  /** Like {@link get}, as the bytes to send. */
  async answer(namespace: string, key: string, load: () => Promise<unknown>): Promise<CachedAnswer> {
    if (!this.options.enabled) return new CachedAnswer(JSON.stringify(await load()));
    const localKey = `${namespace}|${key}`;
    const cached = this.local.get(localKey);
    if (cached !== undefined) {
      this.metrics.count('local', namespace);
      return cached;
    }
    const pending = this.inFlight.get(localKey);
    if (pending) return pending;
    const reading = this.readThrough(namespace, key, load).finally(() => this.inFlight.delete(localKey));
    this.inFlight.set(localKey, reading);
    return reading;
  }

  /** The answer this replica holds in memory under `localKey` (a {@link CachedAnswer.localKey}), if it still does. */
  held(localKey: string): CachedAnswer | undefined {
    const cached = this.local.get(localKey);
    if (cached !== undefined) this.metrics.count('local', localKey.slice(0, localKey.indexOf('|')));
    return cached;
  }

  /** Makes every replica forget the namespaces now; the next read rebuilds them. */
  async invalidate(...namespaces: string[]): Promise<void> {
    const epochs: Record<string, string> = {};
    for (const namespace of namespaces) {
      try {
        epochs[namespace] = String(await this.redis.incr(`epoch:${namespace}`));
      } catch {
        epochs[namespace] = '';
        this.logger.warn({ msg: 'cache epoch not bumped, Redis unavailable', namespace });
      }
    }
    this.forgetLocally(epochs);
    this.nats.publish(this.subject, JSON.stringify(epochs));
    // The edit's reply waits (briefly: NATS may be down) until NATS has the broadcast, so the next read elsewhere finds it delivered.
    let timer: NodeJS.Timeout | undefined;
    const confirmed = await Promise.race([
      this.nats.flush().then(
        () => true,
        () => false,
      ),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), FLUSH_WAIT_MS))),
    ]);
    clearTimeout(timer);
    if (!confirmed) this.logger.warn('cache invalidation not confirmed by NATS; other replicas drop their copies within their local TTL');
  }

  private forgetLocally(epochs: Record<string, string>): void {
    for (const [namespace, epoch] of Object.entries(epochs)) {
      if (epoch) this.epochs.set(namespace, { epoch, fetchedAt: Date.now() });
      else this.epochs.delete(namespace);
      this.local.deletePrefix(`${namespace}|`);
    }
  }

  private async readThrough(namespace: string, key: string, load: () => Promise<unknown>): Promise<CachedAnswer> {
    const localKey = `${namespace}|${key}`;
    let json: string;
    try {
      json = await this.readShared(namespace, key, load);
    } catch (error) {
      if (error instanceof RedisUnavailable) {
        this.metrics.count('degraded', namespace);
        json = await this.loadOrLastGood(namespace, key, load);
      } else if (isDependencyOutage(error)) {
        return new CachedAnswer(await this.lastGoodOr(namespace, key, error));
      } else throw error;
    }
    const answer = new CachedAnswer(json, localKey);
    this.local.set(localKey, answer, this.options.localTtlMs);
    this.lastGood.set(localKey, json, LAST_GOOD_TTL_MS);
    return answer;
  }

  private async loadOrLastGood(namespace: string, key: string, load: () => Promise<unknown>): Promise<string> {
    try {
      return JSON.stringify(await load());
    } catch (error) {
      if (!isDependencyOutage(error)) throw error;
      return this.lastGoodOr(namespace, key, error);
    }
  }

  /** With the database unreachable, the last version this replica or the cluster built beats a 503. */
  private async lastGoodOr(namespace: string, key: string, error: unknown): Promise<string> {
    const local = this.lastGood.get(`${namespace}|${key}`);
    const shared = local ?? (await this.redis.get(`stale:${namespace}:${key}`).catch(() => null));
    if (shared === null || shared === undefined) throw error;
    this.metrics.count('stale', namespace);
    return shared;
  }

  private async readShared(namespace: string, key: string, load: () => Promise<unknown>): Promise<string> {
    const redisKey = `cache:${namespace}:${await this.epoch(namespace)}:${key}`;
    const stored = await this.shared(() => this.redis.get(redisKey));
    if (stored !== null) {
      this.metrics.count('redis', namespace);
      return stored;
    }
    const lockKey = `lock:${redisKey}`;
    const token = randomUUID();
    if (await this.shared(() => this.redis.set(lockKey, token, 'PX', this.options.lockTtlMs, 'NX'))) {
      try {
        // Another replica may have built it between our read and our lock.
        const built = await this.shared(() => this.redis.get(redisKey));
        if (built !== null) {
          this.metrics.count('waited', namespace);
          return built;
        }
        const json = JSON.stringify(await load());
        await this.shared(() =>
          this.redis
            .multi()
            .set(redisKey, json, 'EX', this.options.redisTtlSeconds)
            .set(`stale:${namespace}:${key}`, json, 'EX', LAST_GOOD_TTL_MS / 1000)
            .exec(),
        );
        this.metrics.count('loaded', namespace);
        return json;
      } finally {
        await this.redis.eval(DELETE_IF_EQUAL, 1, lockKey, token).catch(() => undefined);
      }
    }
    const deadline = Date.now() + this.options.waitMs;
    while (Date.now() < deadline) {
      await sleep(POLL_MS);
      const built = await this.shared(() => this.redis.get(redisKey));
      if (built !== null) {
        this.metrics.count('waited', namespace);
        return built;
      }
    }
    this.metrics.count('loaded', namespace);
    return JSON.stringify(await load());
  }

  private async epoch(namespace: string): Promise<string> {
    const known = this.epochs.get(namespace);
    if (known && Date.now() - known.fetchedAt < EPOCH_FRESH_MS) return known.epoch;
    const epoch = (await this.shared(() => this.redis.get(`epoch:${namespace}`))) ?? '0';
    this.epochs.set(namespace, { epoch, fetchedAt: Date.now() });
    return epoch;
  }

  private async shared<T>(command: () => Promise<T>): Promise<T> {
    try {
      return await command();
    } catch {
      throw new RedisUnavailable();
    }
  }
}
