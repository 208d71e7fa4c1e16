import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG } from '#libs/config';
import { AppError } from '#libs/errors';
import { AuthEnv } from '../config/auth-env';
import { AuthMetrics, WechatCallResult } from '../metrics/auth.metrics';
import { ACCESS_TOKEN_ERRCODES, BAD_CODE_ERRCODES, WechatApiError } from './wechat-errors';

interface WechatReply {
  errcode?: number;
  errmsg?: string;
}

/**
 * HTTP to WeChat's server API: bounded by a timeout; an outage becomes WECHAT_UNAVAILABLE, an errcode a WechatApiError.
 * Every call is counted in wechat_api_requests_total{api,result} and timed.
 */
@Injectable()
export class WechatHttpClient {
  private readonly logger = new Logger(WechatHttpClient.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: AuthEnv,
    private readonly metrics: AuthMetrics,
  ) {}

  /** GET `path` with `query`; the secret-bearing query never reaches a log. */
  get<T>(api: string, path: string, query: Record<string, string>): Promise<T> {
    return this.call<T>(api, `${path}?${new URLSearchParams(query).toString()}`, { method: 'GET' });
  }

  /** POST JSON `body` to `path` with `query`. */
  post<T>(api: string, path: string, query: Record<string, string>, body: unknown): Promise<T> {
    const search = Object.keys(query).length ? `?${new URLSearchParams(query).toString()}` : '';
    return this.call<T>(api, `${path}${search}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  }

  private async call<T>(api: string, pathAndQuery: string, init: RequestInit): Promise<T> {
    const started = performance.now();
    const count = (result: WechatCallResult) => this.metrics.wechatCall(api, result, (performance.now() - started) / 1000);
    let reply: WechatReply & T;
    try {
      const response = await fetch(`${this.config.WECHAT_API_BASE_URL}${pathAndQuery}`, {
        ...init,
        signal: AbortSignal.timeout(this.config.WECHAT_TIMEOUT_MS),
      });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      reply = (await response.json()) as WechatReply & T;
    } catch (error) {
      count('unreachable');
      this.logger.warn({ msg: 'WeChat unreachable', api, error: (error as Error).message });
      throw new AppError('WECHAT_UNAVAILABLE', 'WeChat is not answering, try again shortly');
    }
    if (reply.errcode) {
      if (reply.errcode === -1 || reply.errcode === 45011) {
        count('busy');
        this.logger.warn({ msg: 'WeChat busy', api, errcode: reply.errcode });
        throw new AppError('WECHAT_UNAVAILABLE', 'WeChat is busy, try again shortly');
      }
      count(BAD_CODE_ERRCODES.has(reply.errcode) ? 'invalid_input' : ACCESS_TOKEN_ERRCODES.has(reply.errcode) ? 'token_rejected' : 'errcode');
      throw new WechatApiError(api, reply.errcode, reply.errmsg ?? '');
    }
    count('ok');
    return reply;
  }
}
