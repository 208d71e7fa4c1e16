import { LoginHandler } from './login.handler';
import { MediaCheckHandler, PushEvent } from './media-check.handler';
import { DEFAULT_SEC_CHECK_WORDS, MsgSecCheckHandler } from './msg-sec-check.handler';
import { PhoneNumberHandler } from './phone-number.handler';
import { SandboxControlHandler } from './sandbox-control.handler';
import { SandboxState } from './sandbox-state';
import { TokenHandler } from './token.handler';
import { buildSubscribeRoutes } from './subscribe/subscribe.routes';
import { SandboxRoute } from './wechat-api';
import { DEFAULT_PUBLISHED_PAGES, WxaCodeHandler } from './wxacode.handler';

/** What the routes need to know of the sandbox's set-up. */
export interface RouteSettings {
  appId: string;
  appSecret: string;
  secCheckWords?: readonly string[];
  /** Pages getwxacodeunlimit accepts while `check_path` is on. */
  publishedPages?: readonly string[];
  /** Delivers an event to the backend's push URL (media check results). */
  pushEvent: PushEvent;
  now: () => number;
}

/** The mini-program APIs (`family: 'wechat'`) and the sandbox's own controls. */
export function buildWechatRoutes(settings: RouteSettings, state: SandboxState): SandboxRoute[] {
  const login = new LoginHandler(settings, state);
  const tokens = new TokenHandler(settings, state);
  const phone = new PhoneNumberHandler(settings.appId, state, settings.now);
  const secCheck = new MsgSecCheckHandler(settings.secCheckWords ?? DEFAULT_SEC_CHECK_WORDS, state);
  const mediaCheck = new MediaCheckHandler(settings.appId, state, settings.pushEvent);
  const wxaCode = new WxaCodeHandler(settings.publishedPages ?? DEFAULT_PUBLISHED_PAGES, state);
  const control = new SandboxControlHandler(state);
  return [
    wechat('GET', '/sns/jscode2session', 'jscode2session', (r) => login.jscode2session(r)),
    wechat('POST', '/cgi-bin/stable_token', 'stable_token', (r) => tokens.stableToken(r)),
    wechat('GET', '/cgi-bin/token', 'token', (r) => tokens.token(r)),
    wechat('POST', '/wxa/business/getuserphonenumber', 'getuserphonenumber', (r) => phone.getUserPhoneNumber(r)),
    wechat('POST', '/wxa/msg_sec_check', 'msg_sec_check', (r) => secCheck.msgSecCheck(r)),
    wechat('POST', '/wxa/media_check_async', 'media_check_async', (r) => mediaCheck.mediaCheckAsync(r)),
    wechat('POST', '/wxa/getwxacodeunlimit', 'getwxacodeunlimit', (r) => wxaCode.getUnlimited(r)),
    ...buildSubscribeRoutes(settings, state),
    { family: 'sandbox', method: 'GET', path: '/sandbox/health', handle: () => control.health() },
    { family: 'sandbox', method: 'GET', path: '/sandbox/stats', handle: () => control.stats() },
    { family: 'sandbox', method: 'POST', path: '/sandbox/reset', handle: () => control.reset() },
    { family: 'sandbox', method: 'GET', path: '/sandbox/faults', handle: () => control.faults() },
    { family: 'sandbox', method: 'POST', path: '/sandbox/faults', handle: (r) => control.setFaults(r) },
  ];
}

function wechat(method: SandboxRoute['method'], path: string, statsName: string, handle: SandboxRoute['handle']): SandboxRoute {
  return { family: 'wechat', method, path, statsName, handle };
}
