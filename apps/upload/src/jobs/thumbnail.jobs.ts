import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleInit } from '@nestjs/common';
import { Queue } from 'bullmq';
import { APP_CONFIG } from '#libs/config';
import { QueueFactory } from '#libs/queues';
import { UploadEnv } from '../config/upload-env';
import { ThumbnailService } from '../services/thumbnail.service';

/** Payload of a thumbnail job. */
export interface ThumbnailJob {
  uploadId: string;
}

const QUEUE = 'thumbnails';
const ATTEMPTS = 3;
/** Enqueueing must not hold an upload's reply while Redis is away: the sweeper requeues what was missed. */
const ENQUEUE_TIMEOUT_MS = 2000;

/** Thumbnails are made off the request path: a BullMQ queue, one worker per replica, each job on one of them. */
@Injectable()
export class ThumbnailJobs implements OnModuleInit, OnApplicationBootstrap {
  private readonly logger = new Logger(ThumbnailJobs.name);
  private queue: Queue<ThumbnailJob>;

  constructor(
    private readonly queues: QueueFactory,
    @Inject(APP_CONFIG) private readonly config: UploadEnv,
    private readonly thumbnails: ThumbnailService,
  ) {}

  onModuleInit(): void {
    this.queue = this.queues.queue<ThumbnailJob>(QUEUE, {
      defaultJobOptions: { attempts: ATTEMPTS, backoff: { type: 'exponential', delay: 1000 }, removeOnComplete: true, removeOnFail: 1000 },
    });
  }

  onApplicationBootstrap(): void {
    const worker = this.queues.worker<ThumbnailJob>(QUEUE, (job) => this.thumbnails.make(job.data.uploadId), {
      concurrency: this.config.UPLOAD_THUMB_CONCURRENCY,
    });
    worker.on('failed', (job, error) => {
      if (job && job.attemptsMade >= ATTEMPTS) void this.thumbnails.giveUp(job.data.uploadId, error).catch(() => undefined);
    });
    worker.on('error', (error) => this.logger.warn({ msg: 'thumbnail worker error', error: error.message }));
  }

  /** Asks for upload `uploadId`'s thumbnail (once: the job id is the upload id). Never throws. */
  async request(uploadId: string): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        this.queue.add('thumbnail', { uploadId }, { jobId: uploadId }),
        new Promise((_, reject) => (timer = setTimeout(() => reject(new Error('enqueue timed out')), ENQUEUE_TIMEOUT_MS))),
      ]);
    } catch (error) {
      this.logger.warn({ msg: 'thumbnail not enqueued, the sweeper will retry', uploadId, error: (error as Error).message });
    } finally {
      clearTimeout(timer);
    }
  }
}
