export * from './load-config';
export * from './service-env';
export * from './config.module';
export * from './boolean-from-env';
export * from './repo-root';
export * from './scoped-env';
