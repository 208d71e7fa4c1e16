// Compile-time proof that WeChat's own typings (miniprogram-api-typings, the SDK's build types) satisfy the SDK's
// narrow WxApi: a field renamed or retyped in src/wx.ts, or by WeChat, fails `npm run sdk:build`. Emits nothing.
import type { WxApi } from './wx';

type Satisfies<Actual extends Expected, Expected> = Actual;

export type WeChatWxSatisfiesWxApi = Satisfies<WechatMiniprogram.Wx, WxApi>;
