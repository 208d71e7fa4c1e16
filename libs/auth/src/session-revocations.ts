import { Inject, Injectable } from '@nestjs/common';
import Redis from 'ioredis';
import { AppError } from '#libs/errors';
import { SHARED_REDIS } from '#libs/redis';

const key = (sessionId: string) => `session:revoked:${sessionId}`;

/** The cluster-wide list of revoked sessions, read by every replica of every service on every request. */
@Injectable()
export class SessionRevocations {
  constructor(@Inject(SHARED_REDIS) private readonly redis: Redis) {}

  /** Marks a session revoked for `ttlSeconds` (as long as any of its access tokens can live). */
  async revoke(sessionId: string, ttlSeconds: number): Promise<void> {
    await this.redis.set(key(sessionId), '1', 'EX', Math.max(1, ttlSeconds));
  }

  /** Whether the session was revoked; refuses the request when this cannot be known. */
  async isRevoked(sessionId: string): Promise<boolean> {
    try {
      return (await this.redis.exists(key(sessionId))) === 1;
    } catch {
      throw new AppError('DEPENDENCY_UNAVAILABLE', 'Sessions cannot be checked right now, try again shortly');
    }
  }
}
