import { PushEvent } from '../media-check.handler';
import { SandboxState } from '../sandbox-state';
import { SandboxRoute } from '../wechat-api';
import { SubscribeHandler } from './subscribe.handler';
import { DEFAULT_SUBSCRIBE_TEMPLATES, SubscribeTemplates } from './subscribe-templates';

/** What the subscribe-message routes need of the sandbox's set-up. */
export interface SubscribeRouteSettings {
  appId: string;
  subscribeTemplates?: SubscribeTemplates;
  pushEvent: PushEvent;
  now: () => number;
}

/** `subscribeMessage.send` and the sandbox's controls of acceptances; all counted in `/sandbox/stats`. */
export function buildSubscribeRoutes(settings: SubscribeRouteSettings, state: SandboxState): SandboxRoute[] {
  const templates = settings.subscribeTemplates ?? DEFAULT_SUBSCRIBE_TEMPLATES;
  const handler = new SubscribeHandler(templates, settings.appId, state, settings.pushEvent, settings.now);
  return [
    { family: 'wechat', method: 'POST', path: '/cgi-bin/message/subscribe/send', statsName: 'subscribe_send', handle: (r) => handler.send(r) },
    { family: 'sandbox', method: 'POST', path: '/sandbox/subscribe/accept', statsName: 'subscribe_accept', handle: (r) => handler.accept(r) },
    { family: 'sandbox', method: 'GET', path: '/sandbox/subscribe/sent', statsName: 'subscribe_sent', handle: (r) => handler.sentMessages(r) },
  ];
}
