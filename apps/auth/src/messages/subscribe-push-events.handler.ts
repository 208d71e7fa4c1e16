import { EventPattern, Payload } from '@nestjs/microservices';
import { BusHandler } from '#libs/messaging';
import { SubscribeEventEntry, SubscriptionService } from '../services/subscription.service';

/** A subscribe event as WeChat pushes it (JSON format): `List` is an array, or one object for a single template. */
interface SubscribeEventPush {
  FromUserName?: unknown;
  List?: SubscribeEventEntry | SubscribeEventEntry[];
}

/** WeChat's subscribe-message events, relayed by the push receiver (one replica of auth handles each). */
@BusHandler()
export class SubscribePushEventsHandler {
  constructor(private readonly subscriptions: SubscriptionService) {}

  /** The user answered a subscribe popup: each `accept` allows one message (the route's report of it is the same one). */
  @EventPattern('wechat.push.subscribe_msg_popup_event')
  async popup(@Payload() event: SubscribeEventPush): Promise<void> {
    if (typeof event.FromUserName === 'string') await this.subscriptions.recordPopup(event.FromUserName, entries(event));
  }

  /** The user turned templates off in WeChat's settings. */
  @EventPattern('wechat.push.subscribe_msg_change_event')
  async change(@Payload() event: SubscribeEventPush): Promise<void> {
    if (typeof event.FromUserName === 'string') await this.subscriptions.recordChange(event.FromUserName, entries(event));
  }
}

function entries(event: SubscribeEventPush): SubscribeEventEntry[] {
  const list = event.List;
  if (Array.isArray(list)) return list.filter((entry) => typeof entry === 'object' && entry !== null);
  return typeof list === 'object' && list !== null ? [list] : [];
}
