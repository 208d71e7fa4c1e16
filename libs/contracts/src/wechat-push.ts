/** The bus pattern of a WeChat server push event: `wechat.push.<Event>`, published by auth's push receiver. */
export function wechatPushPattern(event: string): string {
  return `wechat.push.${event}`;
}

/** The WeChat push events the backend handles, by the service that owns them (fire-and-forget events on the bus). */
export const WECHAT_PUSH_EVENTS = {
  /** orders: the user confirmed receipt (or WeChat settled the order on its own). */
  orderSettlement: wechatPushPattern('trade_manage_order_settlement'),
  /** upload: the result of a mediaCheckAsync. */
  mediaCheck: wechatPushPattern('wxa_media_check'),
  /** auth: the user answered a subscribe-message popup. */
  subscribePopup: wechatPushPattern('subscribe_msg_popup_event'),
  /** auth: the user changed subscriptions in WeChat's settings. */
  subscribeChange: wechatPushPattern('subscribe_msg_change_event'),
} as const;

/**
 * A message of WeChat's server push as WeChat sent it (JSON data format, decrypted in safe mode), the payload of every
 * `wechat.push.*` event. Only the envelope is known for all of them; each event adds its own fields.
 */
export interface WechatPushMessage {
  /** The mini-program's original id (`gh_...`). */
  ToUserName: string;
  /** The user's openid (or a system account for some events). */
  FromUserName: string;
  /** Seconds since the epoch, as WeChat made the message. */
  CreateTime: number;
  /** `event` for events. */
  MsgType: string;
  Event?: string;
  MsgId?: number | string;
  [field: string]: unknown;
}
