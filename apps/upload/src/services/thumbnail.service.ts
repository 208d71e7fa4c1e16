import { Inject, Injectable, Logger } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import type SharpModule from 'sharp';
import { APP_CONFIG } from '#libs/config';
import { UploadEnv } from '../config/upload-env';
import { UploadRepository } from '../repositories/upload.repository';
import { STORAGE_DRIVER } from '../clients/storage-driver';
import type { StorageDriver } from '../clients/storage-driver';
import { THUMBNAILED_TYPES } from '../helpers/file-type-sniffer';
import { thumbnailKey } from '../helpers/upload-keys';

let sharpLoaded: Promise<typeof SharpModule> | undefined;

/**
 * libvips is loaded with the first image, not with the replica: it costs about 20 MB of RSS, which a replica that
 * has made no thumbnail does not need. One libvips thread per image and no operation cache: memory stays flat.
 */
function loadSharp(): Promise<typeof SharpModule> {
  if (!sharpLoaded) {
    sharpLoaded = import('sharp').then(({ default: sharp }) => {
      sharp.concurrency(1);
      sharp.cache(false);
      return sharp;
    });
  }
  return sharpLoaded;
}

/** Makes the thumbnail variant of an image upload (run by the thumbnail worker, never in a request). */
@Injectable()
export class ThumbnailService {
  private readonly logger = new Logger(ThumbnailService.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: UploadEnv,
    @Inject(STORAGE_DRIVER) private readonly storage: StorageDriver,
    private readonly uploads: UploadRepository,
  ) {}

  /** Makes and records the thumbnail; returns what happened, for the job's log. */
  async make(uploadId: string): Promise<'made' | 'gone' | 'skipped'> {
    const upload = await this.uploads.findById(uploadId);
    if (!upload) return 'gone';
    if (upload.thumbStatus === 'ready' || !THUMBNAILED_TYPES.has(upload.mime)) return 'skipped';

    const sharp = await loadSharp();
    const size = this.config.UPLOAD_THUMB_SIZE;
    const source = await this.storage.read(upload.storageKey);
    const image = sharp({ limitInputPixels: this.config.UPLOAD_MAX_IMAGE_PIXELS, failOn: 'truncated', animated: false })
      .rotate()
      .resize(size, size, { fit: 'inside', withoutEnlargement: true })
      .raw();
    source.once('error', (error) => image.destroy(error));
    const pixels = await source.pipe(image).toBuffer({ resolveWithObject: true });
    const { width, height, channels } = pixels.info;
    // Transparent images stay PNG (product cut-outs); everything else becomes a small JPEG.
    const hasAlpha = channels === 2 || channels === 4;
    const encoder = sharp(pixels.data, { raw: { width, height, channels } });
    const { data, info } = await (hasAlpha ? encoder.png({ palette: true, compressionLevel: 9 }) : encoder.jpeg({ quality: 80, mozjpeg: true })).toBuffer({
      resolveWithObject: true,
    });
    const mime = info.format === 'png' ? 'image/png' : 'image/jpeg';
    const key = thumbnailKey(upload.id);
    await this.storage.put(key, Readable.from([data]), () => mime);
    const recorded = await this.uploads.recordThumbnail(upload.id, { key, mime, size: data.length, sha256: createHash('sha256').update(data).digest('hex') });
    if (!recorded) {
      // Deleted while the thumbnail was being made: do not leave it behind.
      await this.storage.delete(key);
      return 'gone';
    }
    return 'made';
  }

  /** After the last attempt failed: the original keeps standing in for the thumbnail. */
  async giveUp(uploadId: string, error: Error): Promise<void> {
    this.logger.warn({ msg: 'thumbnail could not be made', uploadId, error: error.message });
    await this.uploads.markThumbnailFailed(uploadId);
  }
}
