import { Injectable, Logger } from '@nestjs/common';
import { CheckImagesRequest, UPLOAD_EVENTS, UploadsDeletedEvent, UploadSummary } from '#libs/contracts';
import { AppError } from '#libs/errors';
import { MessageBus } from '#libs/messaging';
import { WechatApiError, WechatServerApi } from '#libs/wechat';
import { Upload } from '../entities/upload.entity';
import { UploadRepository } from '../repositories/upload.repository';
import { UploadFilesService } from './upload-files.service';
import { UploadLinkSignerService } from './upload-link-signer.service';

const MEDIA_TYPE_IMAGE = 2;
/** How long WeChat's fetch link stays valid: it fetches within minutes, sometimes later when busy. */
const FETCH_LINK_TTL_SECONDS = 24 * 3600;
const ANNOUNCE_TIMEOUT_MS = 1000;

/**
 * WeChat's mediaCheckAsync for images users show to others (avatars, after-sale photos): each image is sent once, with
 * a signed link WeChat fetches it by; it is `pending` until the pushed `wxa_media_check` result makes it `pass`, or
 * `risky` (anything but a pass: WeChat's `review` too), which blocks it for everyone but staff.
 */
@Injectable()
export class MediaCheckService {
  private readonly logger = new Logger(MediaCheckService.name);

  constructor(
    private readonly uploads: UploadRepository,
    private readonly files: UploadFilesService,
    private readonly links: UploadLinkSignerService,
    private readonly wechat: WechatServerApi,
    private readonly bus: MessageBus,
  ) {}

  /** Summaries of the images among the ids (others are left out); the ones never checked are sent to WeChat first. */
  async requestChecks(request: CheckImagesRequest): Promise<UploadSummary[]> {
    const found = await this.uploads.findByIds([...new Set(request.ids)]);
    const images = found.filter((upload) => upload.mime.startsWith('image/'));
    for (const image of images.filter((upload) => upload.mediaCheck === null)) await this.send(image, request);
    return images.map((image) => this.files.toSummary(image));
  }

  /** Applies a `wxa_media_check` push; a result for an unknown or already decided trace changes nothing. */
  async recordResult(traceId: string, suggest: string): Promise<void> {
    const verdict = suggest === 'pass' ? 'pass' : 'risky';
    const ids = await this.uploads.recordMediaCheck(traceId, verdict);
    if (!ids.length) return;
    this.logger.log({ msg: 'media check result', traceId, verdict, uploadIds: ids });
    if (verdict === 'risky') await this.announceBlocked(ids);
  }

  private async send(image: Upload, request: CheckImagesRequest): Promise<void> {
    const mediaUrl = this.links.forMediaCheck(image.id, FETCH_LINK_TTL_SECONDS);
    if (!mediaUrl) {
      this.logger.error(
        'media checks need UPLOAD_MEDIA_CHECK_BASE_URL (or UPLOAD_PUBLIC_BASE_URL) and UPLOAD_URL_SIGNING_SECRET: WeChat fetches images by a signed public link',
      );
      throw new AppError('WECHAT_UNAVAILABLE', 'Images cannot be checked right now, try again later');
    }
    let traceId: string;
    try {
      ({ trace_id: traceId } = await this.wechat.post<{ trace_id: string }>('media_check_async', '/wxa/media_check_async', {
        media_url: mediaUrl,
        media_type: MEDIA_TYPE_IMAGE,
        version: 2,
        scene: request.scene,
        openid: request.openid,
      }));
    } catch (error) {
      if (!(error instanceof WechatApiError)) throw error;
      this.logger.error({ msg: 'WeChat refused a media check', errcode: error.errcode, errmsg: error.errmsg });
      throw new AppError('WECHAT_UNAVAILABLE', 'WeChat could not check the image, try again later');
    }
    // Two requests racing for one image: the first recorded trace wins, the other check's result then matches nothing.
    if (await this.uploads.markMediaCheckPending(image.id, traceId)) {
      image.mediaCheck = 'pending';
      image.mediaCheckTraceId = traceId;
    } else {
      Object.assign(image, await this.uploads.findById(image.id));
    }
  }

  /** Tells auth to drop avatars showing these images (best effort: auth also reads the status when it shows one). */
  private async announceBlocked(ids: string[]): Promise<void> {
    try {
      await this.bus.publish<UploadsDeletedEvent>(UPLOAD_EVENTS.blocked, { ids }, ANNOUNCE_TIMEOUT_MS);
    } catch (error) {
      this.logger.warn({ msg: 'blocked images not announced; readers will find them blocked', uploadIds: ids, error: (error as Error).message });
    }
  }
}
