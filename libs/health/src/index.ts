export * from './shutdown-state';
export * from './dependency-health';
export * from './health.controller';
export * from './health.module';
