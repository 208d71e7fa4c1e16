import { DynamicModule, Module } from '@nestjs/common';
import { getDataSourceToken, TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Counter } from 'prom-client';
import { APP_CONFIG, ServiceEnv } from '#libs/config';
import { MetricsRegistry } from '#libs/metrics';
import { createDataSourceOptions, ServiceSchema } from './create-data-source-options';
import { DatabasePoolMetrics } from './database-pool.metrics';
import { QueryMetricsLogger } from './query-metrics.logger';
import { DB_QUERIES, StatementBatches } from './statement-batches';

let registrations = 0;

/** The app's count of statements sent, whichever way they go (TypeORM or a batch). */
@Module({
  providers: [
    {
      provide: DB_QUERIES,
      inject: [MetricsRegistry],
      useFactory: (metrics: MetricsRegistry) =>
        new Counter({ name: 'db_queries_total', help: 'SQL statements sent to the database', registers: [metrics.registry] }),
    },
  ],
  exports: [DB_QUERIES],
})
class DatabaseQueriesModule {}

/** Connects a service to its own database with its own entities and migrations, counting its queries and sampling its pool. */
@Module({})
export class DatabaseModule {
  /**
   * The schema is the service's; the connection comes from DATABASE_URL. Each registration names its data source apart
   * (`orders#2`): apps sharing a process (stage 2's one process, tests running replicas side by side) each own one, and
   * `DataSource` is injected as usual. One app has exactly one, made here.
   */
  static forService(service: string, schema: ServiceSchema): DynamicModule {
    const name = `${service}#${++registrations}`;
    return {
      module: DatabaseModule,
      global: true,
      imports: [
        DatabaseQueriesModule,
        TypeOrmModule.forRootAsync({
          name,
          imports: [DatabaseQueriesModule],
          inject: [APP_CONFIG, DB_QUERIES],
          useFactory: (config: ServiceEnv, queries: Counter) => ({
            ...createDataSourceOptions(config.DATABASE_URL, schema, config.DATABASE_POOL_SIZE),
            logger: new QueryMetricsLogger(queries),
            maxQueryExecutionTime: 500,
            retryAttempts: 3,
            retryDelay: 1000,
          }),
        }),
      ],
      providers: [DatabasePoolMetrics, StatementBatches, { provide: DataSource, useExisting: getDataSourceToken(name) }],
      exports: [DataSource, StatementBatches],
    };
  }
}
