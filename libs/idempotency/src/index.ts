export * from './idempotency.options';
export * from './idempotency.store';
export * from './idempotency.interceptor';
export * from './idempotent.decorator';
export * from './idempotency.module';
