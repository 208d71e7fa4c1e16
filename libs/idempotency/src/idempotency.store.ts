import { Inject, Injectable, Logger } from '@nestjs/common';
import { createHash, randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import type { ErrorDetail, ErrorCode } from '#libs/errors';
import { REDIS } from '#libs/redis';
import { IDEMPOTENCY_OPTIONS } from './idempotency.options';
import type { IdempotencyOptions } from './idempotency.options';

/** A finished request as it is replayed: its status and either its body or its domain error. */
export interface IdempotentResult {
  status: number;
  body?: unknown;
  error?: { code: ErrorCode; message: string; details?: ErrorDetail[] };
}

/** What is stored under a key: a request still running, or the first request's result. */
type Entry = ({ state: 'pending'; token: string } | ({ state: 'done' } & IdempotentResult)) & { fingerprint: string };

/** The outcome of claiming a key. */
export type IdempotencyClaim =
  { kind: 'claimed'; release: ClaimHandle } | { kind: 'finished'; fingerprint: string; result: IdempotentResult } | { kind: 'running'; fingerprint: string };

/** What the request that claimed a key does with it once it is done. */
export interface ClaimHandle {
  /** Stores the result for replay; false if the claim had expired and another request took the key. */
  complete(result: IdempotentResult): Promise<boolean>;
  /** Frees the key so that a retry does the work (after an error that must not be replayed). */
  abandon(): Promise<void>;
}

// Claims the key if free (returns nil), else returns what is stored: one round trip, atomic.
const CLAIM = `
local current = redis.call('GET', KEYS[1])
if current then return current end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return false
`;
// Replaces this request's own pending entry (ARGV[1]) with ARGV[2], or deletes it when ARGV[2] is empty.
const SETTLE = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
if ARGV[2] == '' then redis.call('DEL', KEYS[1]) else redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3]) end
return 1
`;

type RedisWithScripts = Redis & {
  idempotencyClaim(key: string, pending: string, ttlMs: number): Promise<string | null>;
  idempotencySettle(key: string, pending: string, next: string, ttlMs: number): Promise<number>;
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Idempotency keys in Redis, shared by every replica: the first request with a key claims it and does the work,
 * a duplicate waits for and gets the first one's result, whichever replica each lands on.
 */
@Injectable()
export class IdempotencyStore {
  private readonly logger = new Logger(IdempotencyStore.name);
  private readonly redis: RedisWithScripts;

  constructor(
    @Inject(REDIS) redis: Redis,
    @Inject(IDEMPOTENCY_OPTIONS) private readonly options: IdempotencyOptions,
  ) {
    redis.defineCommand('idempotencyClaim', { numberOfKeys: 1, lua: CLAIM });
    redis.defineCommand('idempotencySettle', { numberOfKeys: 1, lua: SETTLE });
    this.redis = redis as RedisWithScripts;
  }

  /** Claims `key` of `scope` (a user) for a request whose content hashes to `fingerprint`, or says who has it. */
  async claim(scope: string, key: string, fingerprint: string): Promise<IdempotencyClaim> {
    const redisKey = this.redisKey(scope, key);
    const pending = JSON.stringify({ state: 'pending', token: randomBytes(12).toString('hex'), fingerprint } satisfies Entry);
    const current = await this.redis.idempotencyClaim(redisKey, pending, this.options.pendingTtlSeconds * 1000);
    if (current === null) return { kind: 'claimed', release: this.handle(redisKey, pending) };
    return this.describe(JSON.parse(current) as Entry);
  }

  /** Waits until the request holding `key` finishes; undefined if it does not within the wait, or gave the key up. */
  async waitForResult(scope: string, key: string): Promise<IdempotencyClaim | undefined> {
    const redisKey = this.redisKey(scope, key);
    const deadline = Date.now() + this.options.waitMs;
    for (let pause = 10; Date.now() < deadline; pause = Math.min(pause * 2, 100)) {
      await sleep(Math.min(pause, Math.max(deadline - Date.now(), 0)));
      const current = await this.redis.get(redisKey);
      if (current === null) return undefined;
      const claim = this.describe(JSON.parse(current) as Entry);
      if (claim.kind === 'finished') return claim;
    }
    return { kind: 'running', fingerprint: '' };
  }

  private describe(entry: Entry): IdempotencyClaim {
    if (entry.state === 'pending') return { kind: 'running', fingerprint: entry.fingerprint };
    const { status, body, error } = entry;
    return { kind: 'finished', fingerprint: entry.fingerprint, result: { status, body, error } };
  }

  private handle(redisKey: string, pending: string): ClaimHandle {
    const fingerprint = (JSON.parse(pending) as Entry).fingerprint;
    return {
      complete: async (result) => {
        const done = JSON.stringify({ state: 'done', fingerprint, ...result } satisfies Entry);
        const stored = (await this.redis.idempotencySettle(redisKey, pending, done, this.options.resultTtlSeconds * 1000)) === 1;
        if (!stored) this.logger.warn({ msg: 'idempotency claim expired before the request finished; result not stored', key: redisKey });
        return stored;
      },
      abandon: async () => {
        await this.redis.idempotencySettle(redisKey, pending, '', 0);
      },
    };
  }

  private redisKey(scope: string, key: string): string {
    return `idem:${scope}:${createHash('sha256').update(key).digest('base64url')}`;
  }
}
