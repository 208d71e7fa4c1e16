import { MessagePattern, Payload } from '@nestjs/microservices';
import { AUTH_MESSAGES, GetUserRequest, PayerIdentity } from '#libs/contracts';
import { ProfileService } from '../services/profile.service';
import { BusHandler } from '#libs/messaging';

/** Tells the orders service which openid pays for a user's order (WeChat Pay JSAPI needs it); bus only, never HTTP. */
@BusHandler()
export class PayerLookupHandler {
  constructor(private readonly profiles: ProfileService) {}

  @MessagePattern(AUTH_MESSAGES.getPayer)
  async getPayer(@Payload() request: GetUserRequest): Promise<PayerIdentity> {
    return { userId: request.userId, openid: await this.profiles.openidOf(request.userId) };
  }
}
