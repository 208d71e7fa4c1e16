export * from './scrub';
export * from './error-tracker';
export * from './error-tracking.module';
