import { MessagePattern, Payload } from '@nestjs/microservices';
import { GetUploadRequest, GetUploadsRequest, UPLOAD_MESSAGES, UploadSummary } from '#libs/contracts';
import { UploadFilesService } from '../services/upload-files.service';
import { BusHandler } from '#libs/messaging';

/** Answers other services' questions about uploads (avatars, product images) over the bus. */
@BusHandler()
export class UploadLookupHandler {
  constructor(private readonly files: UploadFilesService) {}

  @MessagePattern(UPLOAD_MESSAGES.getFile)
  getFile(@Payload() request: GetUploadRequest): Promise<UploadSummary> {
    return this.files.summary(request.id);
  }

  @MessagePattern(UPLOAD_MESSAGES.getFiles)
  getFiles(@Payload() request: GetUploadsRequest): Promise<UploadSummary[]> {
    return this.files.summaries(request.ids);
  }
}
