import { Injectable, Logger } from '@nestjs/common';
import { Queue } from 'bullmq';
import { QueueFactory } from '#libs/queues';

/** The queue of delayed expiry jobs, one per second in which unpaid orders fall due, the job id naming the second. */
export const ORDER_EXPIRY_QUEUE = 'order-expiry';
/** The queue whose repeating job runs the sweeper on one replica at a time. */
export const ORDER_SWEEP_QUEUE = 'order-sweep';

/** The payload of an expiry job: the orders still unpaid at this instant (epoch ms) are due. */
export interface OrderExpiryJob {
  dueBy: number;
}

/** The id of the expiry job of a second (epoch seconds). */
export const expiryJobId = (second: number): string => `due-${second}`;

/**
 * Schedules the cancellation of unpaid orders at their expiresAt: one delayed job per second of expiry, which cancels
 * every order due by the end of it. The orders placed within a second share its job, so an order whose second this
 * replica has already scheduled costs Redis nothing; a job per order was a dozen Redis commands for each, and one
 * more to remove it when the order was paid (docs/performance.md, "Orders"). Replicas scheduling the same second make
 * one job (its id); a paid or cancelled order needs no unscheduling (the job finds it no longer unpaid); losing a job
 * is harmless because the periodic sweep finds expired orders too.
 */
@Injectable()
export class OrderExpiryScheduler {
  private readonly logger = new Logger(OrderExpiryScheduler.name);
  readonly queue: Queue<OrderExpiryJob>;
  /** The seconds this replica has a job for, in the order scheduled; dropped once past. */
  private readonly scheduled = new Set<number>();

  constructor(queues: QueueFactory) {
    this.queue = queues.queue<OrderExpiryJob>(ORDER_EXPIRY_QUEUE, {
      defaultJobOptions: { removeOnComplete: true, removeOnFail: { age: 7 * 86400 }, attempts: 5, backoff: { type: 'exponential', delay: 1000 } },
    });
  }

  /** Best effort: a failure is logged and left to the sweep. */
  async schedule(orderId: string, expiresAt: Date): Promise<void> {
    const second = Math.ceil(expiresAt.getTime() / 1000);
    if (this.scheduled.has(second)) return;
    try {
      await this.queue.add('expire-due', { dueBy: second * 1000 }, { jobId: expiryJobId(second), delay: Math.max(second * 1000 - Date.now(), 0) });
      this.forgetPast();
      this.scheduled.add(second);
    } catch (error) {
      this.logger.warn({ msg: 'expiry job not scheduled; the sweep will expire the order', orderId, error: (error as Error).message });
    }
  }

  private forgetPast(): void {
    const now = Date.now() / 1000;
    for (const second of this.scheduled) {
      if (second >= now) return;
      this.scheduled.delete(second);
    }
  }
}
