export * from './request-context';
export * from './create-logger';
export * from './pino-nest-logger';
export * from './request-context.interceptor';
export * from './request-id';
