export * from './service-definition';
export * from './validation-pipe';
export * from './install-http-hooks';
export * from './create-service-app';
export * from './run-service';
export * from './platform.module';
export * from './method-override';
