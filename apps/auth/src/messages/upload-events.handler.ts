import { EventPattern, Payload } from '@nestjs/microservices';
import { UPLOAD_EVENTS, UploadsDeletedEvent } from '#libs/contracts';
import { BusHandler } from '#libs/messaging';
import { ProfileService } from '../services/profile.service';

/** Follows the upload service's events (one replica of auth handles each). */
@BusHandler()
export class UploadEventsHandler {
  constructor(private readonly profiles: ProfileService) {}

  @EventPattern(UPLOAD_EVENTS.deleted)
  uploadsDeleted(@Payload() event: UploadsDeletedEvent): Promise<void> {
    return this.profiles.forgetAvatars(event.ids);
  }

  /** WeChat's media check found these images risky: no avatar shows them any more. */
  @EventPattern(UPLOAD_EVENTS.blocked)
  uploadsBlocked(@Payload() event: UploadsDeletedEvent): Promise<void> {
    return this.profiles.forgetAvatars(event.ids);
  }
}
