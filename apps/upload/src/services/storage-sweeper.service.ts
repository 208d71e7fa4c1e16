import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG } from '#libs/config';
import { UploadEnv } from '../config/upload-env';
import { UploadIntentRepository } from '../repositories/upload-intent.repository';
import { UploadRepository } from '../repositories/upload.repository';
import { STORAGE_DRIVER } from '../clients/storage-driver';
import type { StorageDriver } from '../clients/storage-driver';

/** What one sweep removed or retried. */
export interface SweepReport {
  intents: number;
  scratchFiles: number;
  thumbnailsRequeued: string[];
}

const BATCH = 200;

/**
 * Removes what unfinished work left in storage: objects of uploads whose replica died while streaming,
 * of presigned uploads never confirmed, of deletions cut short; partial scratch files; and finds
 * thumbnails whose job was lost. Runs on one replica at a time (a BullMQ scheduled job).
 */
@Injectable()
export class StorageSweeperService {
  private readonly logger = new Logger(StorageSweeperService.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: UploadEnv,
    @Inject(STORAGE_DRIVER) private readonly storage: StorageDriver,
    private readonly intents: UploadIntentRepository,
    private readonly uploads: UploadRepository,
  ) {}

  async sweep(now = new Date()): Promise<SweepReport> {
    let intents = 0;
    for (const id of await this.intents.findExpiredIds(now, BATCH)) {
      const swept = await this.intents.sweep(id, now, async (intent) => {
        for (const key of intent.storageKeys.split(',').filter(Boolean)) await this.storage.delete(key);
      });
      if (swept) intents++;
    }
    // A scratch file older than any upload may last belongs to a replica that died while writing it.
    const scratchFiles = await this.storage.sweepScratch(this.config.UPLOAD_STREAM_TIMEOUT_MS + this.config.UPLOAD_INTENT_GRACE_MS);
    const thumbnailsRequeued = await this.uploads.findStalePendingThumbnails(new Date(now.getTime() - 10 * 60_000), BATCH);
    if (intents || scratchFiles || thumbnailsRequeued.length)
      this.logger.log({ msg: 'storage swept', intents, scratchFiles, thumbnailsRequeued: thumbnailsRequeued.length });
    return { intents, scratchFiles, thumbnailsRequeued };
  }
}
