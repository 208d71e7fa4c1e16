/** Where a service gets the app's WeChat access_token from. */
export interface WechatAccessTokens {
  /** A token believed valid. */
  get(): Promise<string>;
  /** WeChat refused `refused`: a fresh token (unless another replica already replaced it). */
  replace(refused: string): Promise<string>;
}

/** Injection token of the service's WechatAccessTokens. */
export const WECHAT_ACCESS_TOKENS = Symbol('WECHAT_ACCESS_TOKENS');
