import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { Job, JobType, Processor, Queue, QueueOptions, Worker, WorkerOptions } from 'bullmq';
import Redis from 'ioredis';
import { APP_CONFIG, ServiceEnv } from '#libs/config';
import { createRedis } from '#libs/redis';
import { Counter, Histogram } from 'prom-client';
import { MetricsRegistry, SERVICE_NAME } from '#libs/metrics';

/** Job states sampled into queue_jobs on each scrape. */
const SAMPLED_STATES: JobType[] = ['waiting', 'prioritized', 'active', 'delayed', 'failed'];
/** A scrape never waits longer than this for Redis: a slow or absent Redis leaves the last figures out. */
const SAMPLE_TIMEOUT_MS = 1000;

/**
 * Makes this service's BullMQ queues and workers on one connection made for BullMQ (no ioredis keyPrefix,
 * which BullMQ forbids; BullMQ's own `prefix` keeps services and tests apart), and closes them on shutdown.
 * Metrics: each queue's jobs by state, read from Redis on each scrape (`queue_jobs{queue,state}`, the same figure
 * on every replica), and this replica's job runs by result and their duration (`queue_job_runs_total`,
 * `queue_job_duration_seconds`); a failed run is one failed attempt, retried or not.
 */
@Injectable()
export class QueueFactory implements OnApplicationShutdown {
  readonly prefix: string;
  private readonly connection: Redis;
  private readonly queues: Queue[] = [];
  private readonly workers: Worker[] = [];
  private readonly runs: Counter<'queue' | 'result'>;
  private readonly durations: Histogram<'queue'>;

  constructor(@Inject(APP_CONFIG) config: ServiceEnv, @Inject(SERVICE_NAME) service: string, metrics: MetricsRegistry) {
    this.prefix = `${config.REDIS_KEY_PREFIX ?? `${service}:`}bull`;
    this.connection = createRedis(config.REDIS_URL, { forQueues: true, connectionName: `${service}-queues` });
    const queues = this.queues;
    metrics.gauge({
      name: 'queue_jobs',
      help: 'Jobs in each BullMQ queue by state (waiting, prioritized, active, delayed, failed), read from Redis at scrape time',
      labelNames: ['queue', 'state'],
      async collect() {
        await Promise.all(
          queues.map(async (queue) => {
            const counts = await withTimeout(queue.getJobCounts(...SAMPLED_STATES), SAMPLE_TIMEOUT_MS).catch(() => undefined);
            for (const state of SAMPLED_STATES) {
              if (counts) this.set({ queue: queue.name, state }, counts[state] ?? 0);
              else this.remove({ queue: queue.name, state });
            }
          }),
        );
      },
    });
    this.runs = metrics.counter({
      name: 'queue_job_runs_total',
      help: 'Job runs on this replica by queue and result (completed, failed: one attempt)',
      labelNames: ['queue', 'result'],
    });
    this.durations = metrics.histogram({
      name: 'queue_job_duration_seconds',
      help: 'Run time of completed jobs on this replica by queue',
      labelNames: ['queue'],
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    });
  }

  /** A producer for queue `name`. */
  queue<T = unknown>(name: string, options: Omit<QueueOptions, 'connection' | 'prefix'> = {}): Queue<T> {
    const queue = new Queue<T>(name, { ...options, connection: this.connection, prefix: this.prefix });
    this.queues.push(queue as Queue);
    return queue;
  }

  /** A consumer for queue `name`; every replica runs one, BullMQ hands each job to one of them. */
  worker<T = unknown>(name: string, processor: Processor<T>, options: Omit<WorkerOptions, 'connection' | 'prefix'> = {}): Worker<T> {
    const worker = new Worker<T>(name, processor as (job: Job<T>) => Promise<unknown>, { ...options, connection: this.connection, prefix: this.prefix });
    worker.on('completed', (job) => {
      this.runs.inc({ queue: name, result: 'completed' });
      if (job.processedOn && job.finishedOn) this.durations.observe({ queue: name }, (job.finishedOn - job.processedOn) / 1000);
    });
    worker.on('failed', () => this.runs.inc({ queue: name, result: 'failed' }));
    this.workers.push(worker as Worker);
    return worker;
  }

  async onApplicationShutdown(): Promise<void> {
    // With Redis unreachable, a worker's graceful close waits for a connection that never comes: it is forced then.
    const force = this.connection.status !== 'ready';
    await Promise.allSettled(this.workers.map((worker) => worker.close(force)));
    await Promise.allSettled(this.queues.map((queue) => queue.close()));
    this.connection.disconnect();
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('timed out')), ms)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
