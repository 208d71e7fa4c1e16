/** Injection token of the idempotency settings of a service. */
export const IDEMPOTENCY_OPTIONS = Symbol('IDEMPOTENCY_OPTIONS');

/** How long results are kept and how long a duplicate waits for the first request to finish. */
export interface IdempotencyOptions {
  /** How long a finished request's result is replayed for the same key (s). */
  resultTtlSeconds: number;
  /** How long a started request holds its key if its process dies before finishing (s); longer than any request takes. */
  pendingTtlSeconds: number;
  /** How long a duplicate that arrives while the first is running waits for its result before answering IDEMPOTENCY_IN_PROGRESS (ms). */
  waitMs: number;
}

/** Defaults: results for 24 h, a dead request's key freed after 60 s, duplicates wait up to 10 s. */
export const DEFAULT_IDEMPOTENCY_OPTIONS: IdempotencyOptions = { resultTtlSeconds: 24 * 3600, pendingTtlSeconds: 60, waitMs: 10000 };
