export * from './redis-throttler.storage';
export * from './sensitive-route.decorator';
export * from './throttling.module';
