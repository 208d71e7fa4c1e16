/** errcodes WeChat uses for a bad, expired or replaced access_token. */
export const ACCESS_TOKEN_ERRCODES = new Set([40001, 40014, 42001]);

/** errcodes WeChat uses for a login or phone code that is wrong, used or expired. */
export const BAD_CODE_ERRCODES = new Set([40029, 40163, 40226]);

/** A WeChat API reply that carried a non-zero errcode. */
export class WechatApiError extends Error {
  constructor(
    readonly api: string,
    readonly errcode: number,
    readonly errmsg: string,
  ) {
    super(`${api} answered errcode ${errcode}: ${errmsg}`);
    this.name = 'WechatApiError';
  }
}
