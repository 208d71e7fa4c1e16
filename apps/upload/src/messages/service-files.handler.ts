import { MessagePattern, Payload } from '@nestjs/microservices';
import { FileContent, GetUploadRequest, StoreServiceFileRequest, UPLOAD_MESSAGES, UploadSummary } from '#libs/contracts';
import { BusHandler } from '#libs/messaging';
import { ServiceFilesService } from '../services/service-files.service';

/** Stores and reads back the files other services make (the catalog's share codes), over the bus. */
@BusHandler()
export class ServiceFilesHandler {
  constructor(private readonly files: ServiceFilesService) {}

  @MessagePattern(UPLOAD_MESSAGES.storeServiceFile)
  store(@Payload() request: StoreServiceFileRequest): Promise<UploadSummary> {
    return this.files.storePublic(request);
  }

  @MessagePattern(UPLOAD_MESSAGES.readPublicFile)
  read(@Payload() request: GetUploadRequest): Promise<FileContent> {
    return this.files.readPublic(request.id);
  }
}
