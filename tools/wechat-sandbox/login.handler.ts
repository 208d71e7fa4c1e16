import { createHmac, randomBytes } from 'node:crypto';
import { AppCredentials, rejectCredentials } from './app-credentials';
import { SandboxState } from './sandbox-state';
import { SandboxReply, SandboxRequest, queryParam, wechatError } from './wechat-api';

/** `GET /sns/jscode2session`: trades a `wx.login` code for the user's openid and session key. */
export class LoginHandler {
  constructor(
    private readonly app: AppCredentials,
    private readonly state: SandboxState,
  ) {}

  jscode2session(request: SandboxRequest): SandboxReply {
    const { query } = request;
    const rejected = rejectCredentials(this.app, queryParam(query, 'appid'), queryParam(query, 'secret'));
    if (rejected) return rejected;
    const code = queryParam(query, 'js_code');
    if (!code) return wechatError(41008, 'missing code');
    if (query.get('grant_type') !== 'authorization_code') return wechatError(40002, 'invalid grant_type');
    if (code.startsWith('invalid')) return wechatError(40029, 'invalid code');
    if (this.state.usedLoginCodes.has(code)) return wechatError(40163, 'code been used');
    this.state.usedLoginCodes.add(code);

    const openid = openidForCode(code);
    return {
      body: { openid, session_key: this.sessionKey(openid), unionid: `u${openid.slice(1)}` },
      result: 'ok',
    };
  }

  /** Stable per openid, so a test can predict it from the app secret. */
  private sessionKey(openid: string): string {
    return createHmac('sha256', this.app.appSecret).update(openid).digest().subarray(0, 16).toString('base64');
  }
}

/** `1:alice` and `test:alice` both log in `oalice`; a code without `:` logs in a new user. */
export function openidForCode(code: string): string {
  const user = code.includes(':') ? code.slice(code.lastIndexOf(':') + 1) : '';
  return user ? `o${user}` : `o${randomBytes(20).toString('base64url').slice(0, 27)}`;
}
