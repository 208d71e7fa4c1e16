export * from './bus-tokens';
export * from './nats-server-options';
export * from './message-bus';
export * from './messaging.module';
export * from './bus-handler.decorator';
export * from './draining-nats-server';
