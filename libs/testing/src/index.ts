export * from './test-database';
export * from './test-keys';
export * from './test-redis';
export * from './test-service';
export * from './http-client';
export * from './test-tokens';
export * from './private-nats';
export * from './platform-test-app';
