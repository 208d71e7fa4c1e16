export * from './cache-options';
export * from './cache-metrics';
export * from './local-lru';
export * from './json-cache';
export * from './cache.module';
