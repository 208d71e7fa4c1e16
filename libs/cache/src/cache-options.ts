/** Injection token of the cache's tuning. */
export const CACHE_OPTIONS = Symbol('CACHE_OPTIONS');

/** How long each tier keeps an entry and how the cluster-wide single flight waits. */
export interface CacheOptions {
  /** false: every read calls its loader (the database); invalidations still broadcast. */
  enabled: boolean;
  /** In-process entries per replica. */
  localMaxEntries: number;
  /** In-process lifetime; bounds staleness only if an invalidation broadcast is lost. */
  localTtlMs: number;
  /** Lifetime in Redis. */
  redisTtlSeconds: number;
  /** How long a replica rebuilding a key holds the lock. */
  lockTtlMs: number;
  /** How long the other replicas wait for that rebuild before doing it themselves. */
  waitMs: number;
}
