import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { Job, Processor, Queue, QueueOptions, Worker, WorkerOptions } from 'bullmq';
import Redis from 'ioredis';
import { APP_CONFIG, ServiceEnv } from '#libs/config';
import { createRedis } from '#libs/redis';
import { SERVICE_NAME } from '#libs/metrics';

/**
 * Makes this service's BullMQ queues and workers on one connection made for BullMQ (no ioredis keyPrefix,
 * which BullMQ forbids; BullMQ's own `prefix` keeps services and tests apart), and closes them on shutdown.
 */
@Injectable()
export class QueueFactory implements OnApplicationShutdown {
  readonly prefix: string;
  private readonly connection: Redis;
  private readonly queues: Queue[] = [];
  private readonly workers: Worker[] = [];

  constructor(@Inject(APP_CONFIG) config: ServiceEnv, @Inject(SERVICE_NAME) service: string) {
    this.prefix = `${config.REDIS_KEY_PREFIX ?? `${service}:`}bull`;
    this.connection = createRedis(config.REDIS_URL, { forQueues: true, connectionName: `${service}-queues` });
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
    this.workers.push(worker as Worker);
    return worker;
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.allSettled(this.workers.map((worker) => worker.close()));
    await Promise.allSettled(this.queues.map((queue) => queue.close()));
    this.connection.disconnect();
  }
}
