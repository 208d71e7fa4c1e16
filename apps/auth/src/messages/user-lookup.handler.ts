import { MessagePattern, Payload } from '@nestjs/microservices';
import { AUTH_MESSAGES, GetUserRequest, UserSummary } from '#libs/contracts';
import { ProfileService } from '../services/profile.service';
import { BusHandler } from '#libs/messaging';

/** Answers other services' questions about users over the bus (one replica per message). */
@BusHandler()
export class UserLookupHandler {
  constructor(private readonly profiles: ProfileService) {}

  @MessagePattern(AUTH_MESSAGES.getUser)
  async getUser(@Payload() request: GetUserRequest): Promise<UserSummary> {
    const { id, nickname, avatarUploadId, phone } = await this.profiles.get(request.userId);
    return { id, nickname, avatarUploadId, phone };
  }
}
