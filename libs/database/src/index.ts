export * from './parse-mysql-url';
export * from './create-data-source-options';
export * from './database.module';
export * from './new-id';
export * from './provision-database';
export * from './run-migrations';
export * from './query-metrics.logger';
export * from './database-pool.metrics';
