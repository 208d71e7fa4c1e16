import { Inject, Injectable, Logger } from '@nestjs/common';
import Redis from 'ioredis';
import { APP_CONFIG } from '#libs/config';
import { AppError } from '#libs/errors';
import { REDIS } from '#libs/redis';
import { AuthEnv } from '../config/auth-env';

// One atomic step per login attempt, so concurrent guesses on any replica cannot slip past the limit:
// a locked name is refused; otherwise the attempt is counted before its password is checked, and from the
// limit on it locks the name for base * 2^(attempts - limit) ms (capped) until a success clears both keys.
// The count outlives the lock by the window, then everything expires: no name stays locked for good.
const ATTEMPT = `
local locked = redis.call('PTTL', KEYS[2])
if locked > 0 then return locked end
local attempts = redis.call('INCR', KEYS[1])
local limit, base, cap, window = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local lock = 0
if attempts >= limit then
  lock = math.min(base * 2 ^ math.min(attempts - limit, 40), cap)
  redis.call('SET', KEYS[2], '1', 'PX', lock)
end
redis.call('PEXPIRE', KEYS[1], window + lock)
return 0
`;

type RedisWithAttempt = Redis & {
  staffLoginAttempt(attemptsKey: string, lockKey: string, limit: number, baseMs: number, capMs: number, windowMs: number): Promise<number>;
};

/** 429 LOGIN_LOCKED for a username under backoff; `retryAfterSeconds` goes out as the Retry-After header. */
export class LoginLockedError extends AppError {
  constructor(readonly retryAfterSeconds: number) {
    super('LOGIN_LOCKED', `Too many failed logins for this username; try again in ${retryAfterSeconds} s`);
  }
}

/**
 * Failed staff logins per username, kept in Redis so every replica sees one count. After
 * STAFF_LOGIN_MAX_FAILURES failures the name is locked with a doubling backoff; the lock is checked before the
 * password is, and holds even for the right password.
 */
@Injectable()
export class StaffLoginAttemptsService {
  private readonly logger = new Logger(StaffLoginAttemptsService.name);
  private readonly redis: RedisWithAttempt;

  constructor(
    @Inject(REDIS) redis: Redis,
    @Inject(APP_CONFIG) private readonly config: AuthEnv,
  ) {
    redis.defineCommand('staffLoginAttempt', { numberOfKeys: 2, lua: ATTEMPT });
    this.redis = redis as RedisWithAttempt;
  }

  /** Counts an attempt on `username`; LoginLockedError while it is locked, 503 when Redis cannot be asked. */
  async begin(username: string): Promise<void> {
    const { attempts, lock } = keys(username);
    let lockedMs: number;
    try {
      lockedMs = await this.redis.staffLoginAttempt(
        attempts,
        lock,
        this.config.STAFF_LOGIN_MAX_FAILURES,
        this.config.STAFF_LOGIN_LOCK_BASE_SECONDS * 1000,
        this.config.STAFF_LOGIN_LOCK_MAX_SECONDS * 1000,
        this.config.STAFF_LOGIN_FAILURE_WINDOW_SECONDS * 1000,
      );
    } catch (error) {
      // Fail closed: without the count a password could be guessed at full speed (the per-address limit is skipped too).
      this.logger.warn({ msg: 'staff login refused, Redis unavailable', error: (error as Error).message });
      throw new AppError('DEPENDENCY_UNAVAILABLE', 'Logins cannot be checked right now, try again shortly');
    }
    if (lockedMs > 0) throw new LoginLockedError(Math.ceil(lockedMs / 1000));
  }

  /** Forgets the failures of `username` after a successful login. */
  async succeeded(username: string): Promise<void> {
    const { attempts, lock } = keys(username);
    try {
      await this.redis.del(attempts, lock);
    } catch (error) {
      // The password was right; the leftover count expires on its own.
      this.logger.warn({ msg: 'staff login failures not cleared, Redis unavailable', error: (error as Error).message });
    }
  }
}

/** The name as MySQL's utf8mb4_unicode_ci compares it (case, accents, surrounding spaces ignored), so no spelling of it gets a count of its own. */
export function normaliseUsername(username: string): string {
  return username.normalize('NFKD').replace(/\p{M}/gu, '').trim().toLowerCase();
}

function keys(username: string): { attempts: string; lock: string } {
  const base = `staff-login:${normaliseUsername(username)}`;
  return { attempts: `${base}:attempts`, lock: `${base}:locked` };
}
