import { Injectable } from '@nestjs/common';
import { GetUploadsRequest, ID_PATTERN, UPLOAD_MESSAGES, UploadSummary } from '#libs/contracts';
import { AppError } from '#libs/errors';
import { MessageBus } from '#libs/messaging';

/** Asks the upload service about the uploads that products, articles and banners show. */
@Injectable()
export class UploadClient {
  constructor(private readonly bus: MessageBus) {}

  /** Every upload id among `references` must be a public image; URLs are taken as they are. */
  async requirePublicImages(references: (string | null | undefined)[]): Promise<void> {
    const ids = [...new Set(references.filter((reference): reference is string => typeof reference === 'string' && ID_PATTERN.test(reference)))];
    if (!ids.length) return;
    const found = await this.bus.request<UploadSummary[], GetUploadsRequest>(UPLOAD_MESSAGES.getFiles, { ids });
    const byId = new Map(found.map((upload) => [upload.id, upload]));
    const missing = ids.filter((id) => !byId.has(id));
    if (missing.length) throw new AppError('UPLOAD_NOT_FOUND', 'An image refers to an upload that does not exist', missing.map((id) => ({ field: 'images', message: `${id} not found` })));
    const unusable = found.filter((upload) => !upload.public || !upload.mime.startsWith('image/'));
    if (unusable.length) {
      throw new AppError('VALIDATION_FAILED', 'Catalog images must be public image uploads', unusable.map((upload) => ({ field: 'images', message: `${upload.id} is ${upload.public ? 'not an image' : 'private'}` })));
    }
  }
}
