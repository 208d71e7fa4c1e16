import { Injectable } from '@nestjs/common';
import { AUTH_MESSAGES, WechatAccessTokenReply, WechatAccessTokenRequest } from '#libs/contracts';
import { MessageBus } from '#libs/messaging';
import { WechatAccessTokens } from './wechat-access-tokens';

/** How long a replica reuses a token auth handed it before asking again (auth's copy lives far longer). */
const REUSE_MS = 60_000;

/** The access token of services other than auth: asked of auth over the bus, which alone holds the AppSecret. */
@Injectable()
export class BusAccessTokens implements WechatAccessTokens {
  private cached?: { token: string; until: number };

  constructor(private readonly bus: MessageBus) {}

  async get(): Promise<string> {
    if (this.cached && this.cached.until > Date.now()) return this.cached.token;
    return this.ask({});
  }

  replace(refused: string): Promise<string> {
    this.cached = undefined;
    return this.ask({ refused });
  }

  private async ask(request: WechatAccessTokenRequest): Promise<string> {
    const reply = await this.bus.request<WechatAccessTokenReply>(AUTH_MESSAGES.getWechatAccessToken, request);
    this.cached = { token: reply.accessToken, until: Date.now() + REUSE_MS };
    return reply.accessToken;
  }
}
