import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { QueueFactory } from '#libs/queues';
import { SubscribeMessageSender } from '../services/subscribe-message.sender';
import { SUBSCRIBE_MESSAGE_QUEUE, SubscribeMessageJob } from './subscribe-message.scheduler';

/** Every replica works the subscribe-message queue; BullMQ hands each job to one of them at a time. */
@Injectable()
export class SubscribeMessageWorker implements OnApplicationBootstrap {
  private readonly logger = new Logger(SubscribeMessageWorker.name);

  constructor(
    private readonly queues: QueueFactory,
    private readonly sender: SubscribeMessageSender,
  ) {}

  onApplicationBootstrap(): void {
    const worker = this.queues.worker<SubscribeMessageJob>(
      SUBSCRIBE_MESSAGE_QUEUE,
      (job) => this.sender.send({ key: job.id ?? job.name, job: job.data, attempt: job.attemptsMade + 1, attempts: job.opts.attempts ?? 1 }),
      { concurrency: 4 },
    );
    worker.on('failed', (job, error) =>
      this.logger.warn({ msg: 'subscribe message attempt failed', key: job?.id, attempts: job?.attemptsMade, error: error.message }),
    );
  }
}
