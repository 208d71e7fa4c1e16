import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { APP_CONFIG } from '#libs/config';
import { QueueFactory } from '#libs/queues';
import { UploadEnv } from '../config/upload-env';
import { StorageSweeperService } from '../services/storage-sweeper.service';
import { ThumbnailJobs } from './thumbnail.jobs';

const QUEUE = 'storage-sweep';

/** Schedules the storage sweep every UPLOAD_SWEEP_INTERVAL_MS; BullMQ runs each occurrence on one replica only. */
@Injectable()
export class StorageSweepJobs implements OnApplicationBootstrap {
  private readonly logger = new Logger(StorageSweepJobs.name);

  constructor(
    private readonly queues: QueueFactory,
    @Inject(APP_CONFIG) private readonly config: UploadEnv,
    private readonly sweeper: StorageSweeperService,
    private readonly thumbnails: ThumbnailJobs,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const queue = this.queues.queue(QUEUE, { defaultJobOptions: { removeOnComplete: true, removeOnFail: 100 } });
    // Every replica upserts the same scheduler: one schedule, whatever the number of replicas.
    await queue.upsertJobScheduler('sweep', { every: this.config.UPLOAD_SWEEP_INTERVAL_MS }, { name: 'sweep' });
    const worker = this.queues.worker(QUEUE, async () => {
      const report = await this.sweeper.sweep();
      for (const uploadId of report.thumbnailsRequeued) await this.thumbnails.request(uploadId);
      return { intents: report.intents, scratchFiles: report.scratchFiles, thumbnailsRequeued: report.thumbnailsRequeued.length };
    });
    worker.on('error', (error) => this.logger.warn({ msg: 'sweep worker error', error: error.message }));
  }
}
