import { Global, Module } from '@nestjs/common';
import { QueueFactory } from './queue-factory';

/** BullMQ queues and workers for a service (imports MetricsModule's SERVICE_NAME and the config). */
@Global()
@Module({ providers: [QueueFactory], exports: [QueueFactory] })
export class QueuesModule {}
