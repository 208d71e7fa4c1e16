import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { APP_CONFIG, ServiceEnv } from '#libs/config';
import { createDataSourceOptions, ServiceSchema } from './create-data-source-options';

/** Connects a service to its own database with its own entities and migrations. */
@Module({})
export class DatabaseModule {
  /** The schema is the service's; the connection comes from DATABASE_URL. */
  static forService(schema: ServiceSchema): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRootAsync({
          inject: [APP_CONFIG],
          useFactory: (config: ServiceEnv) => ({
            ...createDataSourceOptions(config.DATABASE_URL, schema, config.DATABASE_POOL_SIZE),
            retryAttempts: 3,
            retryDelay: 1000,
          }),
        }),
      ],
    };
  }
}
