import { Inject, Injectable, Logger } from '@nestjs/common';
import { Queue } from 'bullmq';
import { APP_CONFIG } from '#libs/config';
import { QueueFactory } from '#libs/queues';
import { AuthEnv } from '../config/auth-env';
import { SubscribeMessageKind } from '../config/subscribe-templates';
import { SubscribeTemplateCatalog } from '../config/subscribe-template-catalog';
import { MessageValues } from '../services/subscribe-message-content';

/** The queue of subscribe messages to send, one job per message. */
export const SUBSCRIBE_MESSAGE_QUEUE = 'subscribe-messages';

/** What a job sends: the message kind, to whom, and the values its template shows. */
export interface SubscribeMessageJob {
  kind: SubscribeMessageKind;
  userId: string;
  values: MessageValues;
}

/** Tries of one message: with the backoff, the last is about a minute after the first (WeChat's "system busy" rarely lasts). */
const SEND_ATTEMPTS = 6;
const FIRST_RETRY_DELAY_MS = 1000;

/** Finished jobs are kept this long, so that the same event again within it (same job id) adds nothing. */
const KEEP_FINISHED_SECONDS = 14 * 86400;

/**
 * Queues subscribe messages. A job's id is its message's key (`order_paid.<orderId>`): the same event delivered
 * twice is one job, and the acceptance a job takes is recorded under that key, so a retried job uses the same one.
 */
@Injectable()
export class SubscribeMessageScheduler {
  private readonly logger = new Logger(SubscribeMessageScheduler.name);
  readonly queue: Queue<SubscribeMessageJob>;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AuthEnv,
    private readonly templates: SubscribeTemplateCatalog,
    queues: QueueFactory,
  ) {
    this.queue = queues.queue<SubscribeMessageJob>(SUBSCRIBE_MESSAGE_QUEUE, {
      defaultJobOptions: {
        attempts: SEND_ATTEMPTS,
        backoff: { type: 'exponential', delay: FIRST_RETRY_DELAY_MS },
        removeOnComplete: { age: KEEP_FINISHED_SECONDS },
        removeOnFail: { age: KEEP_FINISHED_SECONDS },
      },
    });
  }

  /** The job id of a message about `subjectId` (an order, an after-sale request, a booking). */
  static keyOf(kind: SubscribeMessageKind, subjectId: string): string {
    return `${kind}.${subjectId}`;
  }

  /** Queues a message now (or `at` a later time); nothing when its kind has no template configured. */
  async enqueue(kind: SubscribeMessageKind, subjectId: string, job: Omit<SubscribeMessageJob, 'kind'>, at?: Date): Promise<void> {
    if (!this.templates.of(kind)) return;
    const delay = at ? Math.max(at.getTime() - Date.now(), 0) : 0;
    await this.queue.add(kind, { kind, ...job }, { jobId: SubscribeMessageScheduler.keyOf(kind, subjectId), delay });
  }

  /** Queues the reminder of a booking WECHAT_SUBSCRIBE_REMINDER_LEAD_SECONDS before its slot starts; none for a slot starting sooner. */
  async remindBefore(appointmentId: string, startsAt: Date, job: Omit<SubscribeMessageJob, 'kind'>): Promise<void> {
    const at = new Date(startsAt.getTime() - this.config.WECHAT_SUBSCRIBE_REMINDER_LEAD_SECONDS * 1000);
    if (at.getTime() <= Date.now()) {
      this.logger.log({ msg: 'booking starts too soon for a reminder', appointmentId });
      return;
    }
    await this.enqueue('booking_reminder', appointmentId, job, at);
  }

  /** Drops a cancelled booking's reminder (one already being sent finishes). */
  async dropReminder(appointmentId: string): Promise<void> {
    await this.queue.remove(SubscribeMessageScheduler.keyOf('booking_reminder', appointmentId));
  }
}
