export * from './cache-options';
export * from './cache-metrics';
export * from './cached-answer';
export * from './local-lru';
export * from './json-cache';
export * from './ready-answers';
export * from './cache.module';
