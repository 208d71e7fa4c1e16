import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { APP_CONFIG } from '#libs/config';
import { QueueFactory } from '#libs/queues';
import { OrdersEnv } from '../config/orders-env';
import { OrderLifecycleService } from '../services/order-lifecycle.service';
import { OrderSweeperService } from '../services/order-sweeper.service';
import { ORDER_EXPIRY_QUEUE, ORDER_SWEEP_QUEUE, OrderExpiryJob } from './order-expiry.scheduler';

/**
 * Every replica works both queues; BullMQ hands each job to one of them. An expiry job cancels the orders of its second; the
 * sweep queue's repeating job runs the sweeper every ORDER_SWEEP_INTERVAL_SECONDS on whichever replica takes it.
 */
@Injectable()
export class OrderJobsWorker implements OnApplicationBootstrap {
  private readonly logger = new Logger(OrderJobsWorker.name);

  constructor(
    @Inject(APP_CONFIG) private readonly config: OrdersEnv,
    private readonly queues: QueueFactory,
    private readonly lifecycle: OrderLifecycleService,
    private readonly sweeper: OrderSweeperService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const expiry = this.queues.worker<OrderExpiryJob>(ORDER_EXPIRY_QUEUE, (job) => this.lifecycle.expireDue(new Date(job.data.dueBy)), { concurrency: 4 });
    expiry.on('failed', (job, error) =>
      this.logger.warn({
        msg: 'expiry job failed; retried with backoff, the sweep covers it too',
        dueBy: job ? new Date(job.data.dueBy).toISOString() : undefined,
        attempts: job?.attemptsMade,
        error: error.message,
      }),
    );
    const sweep = this.queues.worker(ORDER_SWEEP_QUEUE, () => this.sweeper.sweep(), { concurrency: 1 });
    sweep.on('failed', (_job, error) => this.logger.warn({ msg: 'sweep failed; the next one retries', error: error.message }));
    const sweeps = this.queues.queue(ORDER_SWEEP_QUEUE);
    try {
      await sweeps.upsertJobScheduler(
        'orders-sweep',
        { every: this.config.ORDER_SWEEP_INTERVAL_SECONDS * 1000 },
        { name: 'sweep', opts: { removeOnComplete: true, removeOnFail: 100 } },
      );
    } catch (error) {
      this.logger.warn({ msg: 'sweep schedule not registered (another replica does it too)', error: (error as Error).message });
    }
  }
}
