import { Injectable } from '@nestjs/common';
import { CheckImagesRequest, UPLOAD_MESSAGES, UploadSummary } from '#libs/contracts';
import { AppError } from '#libs/errors';
import { MessageBus } from '#libs/messaging';

/** The upload service as the orders service sees it: whose uploads are whose, over the bus. */
@Injectable()
export class UploadClient {
  constructor(private readonly bus: MessageBus) {}

  /**
   * Every id must be an image the user uploaded themself; another user's, a deleted one or a non-image is 404
   * UPLOAD_NOT_FOUND on `field`, one WeChat's media check found risky 422 CONTENT_REJECTED. Upload sends the images
   * to that check (scene 2, comment) the first time they are to be shown; they are blocked if it finds them risky.
   */
  async requireOwnImages(userId: string, openid: () => Promise<string>, field: string, ids: string[]): Promise<void> {
    if (!ids.length) return;
    const found = await this.bus.request<UploadSummary[], CheckImagesRequest>(UPLOAD_MESSAGES.checkImages, { ids, openid: await openid(), scene: 2 });
    const usable = new Set(
      found.filter((upload) => upload.ownerKind === 'user' && upload.ownerId === userId && upload.mime.startsWith('image/')).map((upload) => upload.id),
    );
    const missing = ids.filter((id) => !usable.has(id));
    if (missing.length) {
      throw new AppError(
        'UPLOAD_NOT_FOUND',
        'No such image among your uploads',
        missing.map((id) => ({ field, message: `${id} is not an image you uploaded` })),
      );
    }
    if (found.some((upload) => upload.mediaCheck === 'risky')) throw new AppError('CONTENT_REJECTED', 'One of the images is not allowed');
  }
}
