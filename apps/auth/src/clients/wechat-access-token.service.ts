import { Inject, Injectable, Logger } from '@nestjs/common';
import Redis from 'ioredis';
import { randomUUID } from 'node:crypto';
import { APP_CONFIG } from '#libs/config';
import { AppError } from '#libs/errors';
import { SHARED_REDIS } from '#libs/redis';
import { WechatAccessTokens, WechatApiError, WechatHttpClient } from '#libs/wechat';
import { AuthEnv } from '../config/auth-env';

const TOKEN_KEY = 'wechat:access-token';
const LOCK_KEY = 'wechat:access-token:lock';
const LOCK_TTL_MS = 10000;
const WAIT_STEP_MS = 50;
const EXPIRY_MARGIN_SECONDS = 300;

const DELETE_IF_EQUAL = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end`;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The app's WeChat access_token, shared by every replica through Redis. One replica at a time refreshes it
 * (a Redis lock) from the stable_token endpoint; the others wait for its result instead of fetching their own.
 */
@Injectable()
export class WechatAccessTokenService implements WechatAccessTokens {
  private readonly logger = new Logger(WechatAccessTokenService.name);

  constructor(
    @Inject(SHARED_REDIS) private readonly redis: Redis,
    @Inject(APP_CONFIG) private readonly config: AuthEnv,
    private readonly http: WechatHttpClient,
  ) {}

  /** A valid token: from Redis, or fetched once for the whole cluster. */
  async get(): Promise<string> {
    const cached = await this.readCached();
    return cached ?? this.refresh(false);
  }

  /** Called when WeChat refused `token`: forgets it (unless another replica already replaced it) and gets a fresh one. */
  async replace(token: string): Promise<string> {
    await this.redis.eval(DELETE_IF_EQUAL, 1, TOKEN_KEY, token).catch(() => undefined);
    return this.refresh(true);
  }

  private async readCached(): Promise<string | null> {
    try {
      return await this.redis.get(TOKEN_KEY);
    } catch {
      throw new AppError('DEPENDENCY_UNAVAILABLE', 'Shared cache unavailable, try again shortly');
    }
  }

  private async refresh(force: boolean): Promise<string> {
    const owner = randomUUID();
    const deadline = Date.now() + LOCK_TTL_MS;
    while (Date.now() < deadline) {
      if (await this.redis.set(LOCK_KEY, owner, 'PX', LOCK_TTL_MS, 'NX')) {
        try {
          const current = force ? null : await this.redis.get(TOKEN_KEY);
          return current ?? (await this.fetchAndStore(force));
        } finally {
          await this.redis.eval(DELETE_IF_EQUAL, 1, LOCK_KEY, owner).catch(() => undefined);
        }
      }
      await sleep(WAIT_STEP_MS);
      const cached = await this.redis.get(TOKEN_KEY);
      if (cached) return cached;
    }
    throw new AppError('WECHAT_UNAVAILABLE', 'WeChat access token could not be obtained');
  }

  private async fetchAndStore(force: boolean): Promise<string> {
    const reply = await this.http
      .post<{ access_token: string; expires_in: number }>(
        'stable_token',
        '/cgi-bin/stable_token',
        {},
        {
          grant_type: 'client_credential',
          appid: this.config.WECHAT_APP_ID,
          secret: this.config.WECHAT_APP_SECRET,
          force_refresh: force,
        },
      )
      .catch((error: unknown) => {
        if (!(error instanceof WechatApiError)) throw error;
        this.logger.error({ msg: 'WeChat refused the app credentials', errcode: error.errcode });
        throw new AppError('WECHAT_UNAVAILABLE', 'WeChat access token could not be obtained');
      });
    const ttl = Math.max(1, reply.expires_in - Math.min(EXPIRY_MARGIN_SECONDS, Math.floor(reply.expires_in / 10)));
    await this.redis.set(TOKEN_KEY, reply.access_token, 'EX', ttl);
    this.logger.log({ msg: 'WeChat access token refreshed', expiresIn: reply.expires_in, force });
    return reply.access_token;
  }
}
