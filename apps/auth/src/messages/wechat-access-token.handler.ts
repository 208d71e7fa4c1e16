import { MessagePattern, Payload } from '@nestjs/microservices';
import { AUTH_MESSAGES, WechatAccessTokenReply, WechatAccessTokenRequest } from '#libs/contracts';
import { BusHandler } from '#libs/messaging';
import { WechatAccessTokenService } from '../clients/wechat-access-token.service';

/** Hands the app's WeChat access_token to the other services, so the AppSecret never leaves auth; bus only, never HTTP. */
@BusHandler()
export class WechatAccessTokenHandler {
  constructor(private readonly tokens: WechatAccessTokenService) {}

  @MessagePattern(AUTH_MESSAGES.getWechatAccessToken)
  async accessToken(@Payload() request: WechatAccessTokenRequest): Promise<WechatAccessTokenReply> {
    return { accessToken: await (request.refused ? this.tokens.replace(request.refused) : this.tokens.get()) };
  }
}
