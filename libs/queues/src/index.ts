export * from './queue-factory';
export * from './queues.module';
