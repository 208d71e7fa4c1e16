import { EventPattern, Payload } from '@nestjs/microservices';
import { UPLOAD_EVENTS, UploadsDeletedEvent } from '#libs/contracts';
import { BusHandler } from '#libs/messaging';
import { UploadReferencesService } from '../services/upload-references.service';

/** Follows the upload service's events (one replica of catalog handles each). */
@BusHandler()
export class UploadEventsHandler {
  constructor(private readonly references: UploadReferencesService) {}

  @EventPattern(UPLOAD_EVENTS.deleted)
  uploadsDeleted(@Payload() event: UploadsDeletedEvent): Promise<void> {
    return this.references.uploadsDeleted(event.ids);
  }
}
