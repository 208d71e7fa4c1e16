import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG } from '#libs/config';
import { AppError } from '#libs/errors';
import { AuthEnv } from '../config/auth-env';
import { WechatApiError } from './wechat-errors';

interface WechatReply {
  errcode?: number;
  errmsg?: string;
}

/** HTTP to WeChat's server API: bounded by a timeout; an outage becomes WECHAT_UNAVAILABLE, an errcode a WechatApiError. */
@Injectable()
export class WechatHttpClient {
  private readonly logger = new Logger(WechatHttpClient.name);

  constructor(@Inject(APP_CONFIG) private readonly config: AuthEnv) {}

  /** GET `path` with `query`; the secret-bearing query never reaches a log. */
  get<T>(api: string, path: string, query: Record<string, string>): Promise<T> {
    return this.call<T>(api, `${path}?${new URLSearchParams(query)}`, { method: 'GET' });
  }

  /** POST JSON `body` to `path` with `query`. */
  post<T>(api: string, path: string, query: Record<string, string>, body: unknown): Promise<T> {
    const search = Object.keys(query).length ? `?${new URLSearchParams(query)}` : '';
    return this.call<T>(api, `${path}${search}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  }

  private async call<T>(api: string, pathAndQuery: string, init: RequestInit): Promise<T> {
    let reply: WechatReply & T;
    try {
      const response = await fetch(`${this.config.WECHAT_API_BASE_URL}${pathAndQuery}`, { ...init, signal: AbortSignal.timeout(this.config.WECHAT_TIMEOUT_MS) });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      reply = (await response.json()) as WechatReply & T;
    } catch (error) {
      this.logger.warn({ msg: 'WeChat unreachable', api, error: (error as Error).message });
      throw new AppError('WECHAT_UNAVAILABLE', 'WeChat is not answering, try again shortly');
    }
    if (reply.errcode) {
      if (reply.errcode === -1 || reply.errcode === 45011) {
        this.logger.warn({ msg: 'WeChat busy', api, errcode: reply.errcode });
        throw new AppError('WECHAT_UNAVAILABLE', 'WeChat is busy, try again shortly');
      }
      throw new WechatApiError(api, reply.errcode, reply.errmsg ?? '');
    }
    return reply;
  }
}
