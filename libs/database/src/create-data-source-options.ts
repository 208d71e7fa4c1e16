import type { DataSourceOptions } from 'typeorm';
import { parseMysqlUrl } from './parse-mysql-url';

/** What a service brings to its own database: its entities and its migrations. */
export interface ServiceSchema {
  entities: NonNullable<DataSourceOptions['entities']>;
  migrations: NonNullable<DataSourceOptions['migrations']>;
}

/** TypeORM options for MySQL 8 / MariaDB 10.11: UTC, utf8mb4, a bounded pool, and never `synchronize`. */
export function createDataSourceOptions(url: string, schema: ServiceSchema, poolSize = 10): DataSourceOptions {
  return {
    type: 'mysql',
    ...parseMysqlUrl(url),
    entities: schema.entities,
    migrations: schema.migrations,
    migrationsTableName: 'schema_migrations',
    synchronize: false,
    migrationsRun: false,
    charset: 'utf8mb4_unicode_ci',
    timezone: 'Z',
    poolSize,
    connectTimeout: 3000,
    // trace: false, or mysql2 captures a stack trace on every query for its errors' sake (2 % of an orders replica's CPU).
    extra: { enableKeepAlive: true, maxIdle: poolSize, idleTimeout: 60000, trace: false },
  };
}
