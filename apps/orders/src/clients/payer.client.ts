import { Injectable } from '@nestjs/common';
import { AUTH_MESSAGES, PayerIdentity } from '#libs/contracts';
import { MessageBus } from '#libs/messaging';

/** Asks auth for the openid a user pays with (WeChat Pay JSAPI orders are placed for an openid). */
@Injectable()
export class PayerClient {
  constructor(private readonly bus: MessageBus) {}

  async openidOf(userId: string): Promise<string> {
    return (await this.bus.request<PayerIdentity>(AUTH_MESSAGES.getPayer, { userId })).openid;
  }
}
