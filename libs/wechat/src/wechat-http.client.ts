import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, ServiceEnv } from '#libs/config';
import { AppError } from '#libs/errors';
import { ACCESS_TOKEN_ERRCODES, BAD_CODE_ERRCODES, WechatApiError } from './wechat-errors';
import { WechatCallResult, WechatMetrics } from './wechat-metrics';

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
    @Inject(APP_CONFIG) private readonly config: ServiceEnv,
    private readonly metrics: WechatMetrics,
  ) {}

  /** GET `path` with `query`; the secret-bearing query never reaches a log. */
  get<T>(api: string, path: string, query: Record<string, string>): Promise<T> {
    return this.json<T>(api, withQuery(path, query), { method: 'GET' });
  }

  /** POST JSON `body` to `path` with `query`. */
  post<T>(api: string, path: string, query: Record<string, string>, body: unknown): Promise<T> {
    return this.json<T>(api, withQuery(path, query), postJson(body));
  }

  /** POST JSON `body` to an API that answers bytes on success and errcode JSON on failure (getwxacodeunlimit). */
  async postForBytes(api: string, path: string, query: Record<string, string>, body: unknown): Promise<Buffer> {
    const started = performance.now();
    const response = await this.fetch(api, withQuery(path, query), postJson(body), started);
    if (!(response.headers.get('content-type') ?? '').includes('json')) {
      const bytes = Buffer.from(await response.arrayBuffer());
      this.metrics.call(api, 'ok', (performance.now() - started) / 1000);
      return bytes;
    }
    this.check(api, (await response.json()) as WechatReply, started);
    throw this.unreachable(api, started, new Error('a JSON reply without errcode where bytes were expected'));
  }

  private async json<T>(api: string, pathAndQuery: string, init: RequestInit): Promise<T> {
    const started = performance.now();
    const response = await this.fetch(api, pathAndQuery, init, started);
    let reply: WechatReply & T;
    try {
      reply = (await response.json()) as WechatReply & T;
    } catch (error) {
      throw this.unreachable(api, started, error);
    }
    this.check(api, reply, started);
    this.metrics.call(api, 'ok', (performance.now() - started) / 1000);
    return reply;
  }

  private async fetch(api: string, pathAndQuery: string, init: RequestInit, started: number): Promise<Response> {
    try {
      const response = await fetch(`${this.config.WECHAT_API_BASE_URL}${pathAndQuery}`, {
        ...init,
        signal: AbortSignal.timeout(this.config.WECHAT_TIMEOUT_MS),
      });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      return response;
    } catch (error) {
      throw this.unreachable(api, started, error);
    }
  }

  /** Throws for a non-zero errcode: busy is WECHAT_UNAVAILABLE, anything else a WechatApiError. */
  private check(api: string, reply: WechatReply, started: number): void {
    if (!reply.errcode) return;
    const count = (result: WechatCallResult) => this.metrics.call(api, result, (performance.now() - started) / 1000);
    if (reply.errcode === -1 || reply.errcode === 45011) {
      count('busy');
      this.logger.warn({ msg: 'WeChat busy', api, errcode: reply.errcode });
      throw new AppError('WECHAT_UNAVAILABLE', 'WeChat is busy, try again shortly');
    }
    count(BAD_CODE_ERRCODES.has(reply.errcode) ? 'invalid_input' : ACCESS_TOKEN_ERRCODES.has(reply.errcode) ? 'token_rejected' : 'errcode');
    throw new WechatApiError(api, reply.errcode, reply.errmsg ?? '');
  }

  private unreachable(api: string, started: number, error: unknown): AppError {
    this.metrics.call(api, 'unreachable', (performance.now() - started) / 1000);
    this.logger.warn({ msg: 'WeChat unreachable', api, error: (error as Error).message });
    return new AppError('WECHAT_UNAVAILABLE', 'WeChat is not answering, try again shortly');
  }
}

function withQuery(path: string, query: Record<string, string>): string {
  return Object.keys(query).length ? `${path}?${new URLSearchParams(query).toString()}` : path;
}

function postJson(body: unknown): RequestInit {
  return { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}
