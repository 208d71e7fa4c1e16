import { Inject, Injectable } from '@nestjs/common';
import { WECHAT_ACCESS_TOKENS } from './wechat-access-tokens';
import type { WechatAccessTokens } from './wechat-access-tokens';
import { ACCESS_TOKEN_ERRCODES, WechatApiError } from './wechat-errors';
import { WechatHttpClient } from './wechat-http.client';

/** WeChat server APIs that take the app's access_token: a refused token is replaced once and the call repeated. */
@Injectable()
export class WechatServerApi {
  constructor(
    private readonly http: WechatHttpClient,
    @Inject(WECHAT_ACCESS_TOKENS) private readonly tokens: WechatAccessTokens,
  ) {}

  /** POST JSON `body` to `path`; errcode ≠ 0 is a WechatApiError, an outage AppError WECHAT_UNAVAILABLE. */
  post<T>(api: string, path: string, body: unknown): Promise<T> {
    return this.withAccessToken((token) => this.http.post<T>(api, path, { access_token: token }, body));
  }

  /** POST JSON `body` to an API answering bytes (a PNG code) on success. */
  postForBytes(api: string, path: string, body: unknown): Promise<Buffer> {
    return this.withAccessToken((token) => this.http.postForBytes(api, path, { access_token: token }, body));
  }

  private async withAccessToken<T>(call: (token: string) => Promise<T>): Promise<T> {
    const token = await this.tokens.get();
    try {
      return await call(token);
    } catch (error) {
      if (!(error instanceof WechatApiError) || !ACCESS_TOKEN_ERRCODES.has(error.errcode)) throw error;
      return call(await this.tokens.replace(token));
    }
  }
}
