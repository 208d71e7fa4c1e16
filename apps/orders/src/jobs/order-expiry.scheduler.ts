import { Injectable, Logger } from '@nestjs/common';
import { Queue } from 'bullmq';
import { QueueFactory } from '#libs/queues';

/** The queue of delayed expiry jobs, one per unpaid order, the job id being the order id. */
export const ORDER_EXPIRY_QUEUE = 'order-expiry';
/** The queue whose repeating job runs the sweeper on one replica at a time. */
export const ORDER_SWEEP_QUEUE = 'order-sweep';

/** The payload of an expiry job. */
export interface OrderExpiryJob {
  orderId: string;
}

/**
 * Schedules each unpaid order's cancellation at its expiresAt. The job id is the order id, so scheduling twice is
 * one job; losing a job is harmless because the periodic sweep finds expired orders too.
 */
@Injectable()
export class OrderExpiryScheduler {
  private readonly logger = new Logger(OrderExpiryScheduler.name);
  readonly queue: Queue<OrderExpiryJob>;

  constructor(queues: QueueFactory) {
    this.queue = queues.queue<OrderExpiryJob>(ORDER_EXPIRY_QUEUE, {
      defaultJobOptions: { removeOnComplete: true, removeOnFail: { age: 7 * 86400 }, attempts: 5, backoff: { type: 'exponential', delay: 1000 } },
    });
  }

  /** Best effort: a failure is logged and left to the sweep. */
  async schedule(orderId: string, expiresAt: Date): Promise<void> {
    try {
      await this.queue.add('expire', { orderId }, { jobId: orderId, delay: Math.max(expiresAt.getTime() - Date.now(), 0) });
    } catch (error) {
      this.logger.warn({ msg: 'expiry job not scheduled; the sweep will expire the order', orderId, error: (error as Error).message });
    }
  }

  /** Removes a paid or cancelled order's job (a job already running finds nothing to do). */
  async cancel(orderId: string): Promise<void> {
    try {
      await this.queue.remove(orderId);
    } catch (error) {
      this.logger.warn({ msg: 'expiry job not removed; it will find the order no longer unpaid', orderId, error: (error as Error).message });
    }
  }
}
