import { SandboxReply, wechatError } from './wechat-api';

/** The one mini-program the sandbox knows. */
export interface AppCredentials {
  appId: string;
  appSecret: string;
}

/** Undefined when appid and secret are the sandbox app's, else WeChat's errcode reply, checked in WeChat's order. */
export function rejectCredentials(app: AppCredentials, appid: string | undefined, secret: string | undefined): SandboxReply | undefined {
  if (!appid) return wechatError(41002, 'appid missing');
  if (appid !== app.appId) return wechatError(40013, 'invalid appid');
  if (!secret) return wechatError(41004, 'appsecret missing');
  if (secret !== app.appSecret) return wechatError(40125, 'invalid appsecret');
  return undefined;
}
