import { DynamicModule, Global, Module } from '@nestjs/common';
import { ServiceEnv } from './service-env';

/** Injection token of the validated environment of the running service. */
export const APP_CONFIG = Symbol('APP_CONFIG');

/** Makes a service's validated environment injectable everywhere as APP_CONFIG. */
@Global()
@Module({})
export class ConfigModule {
  /** Registers `config` (already validated by loadConfig) for injection. */
  static forRoot(config: ServiceEnv): DynamicModule {
    return { module: ConfigModule, providers: [{ provide: APP_CONFIG, useValue: config }], exports: [APP_CONFIG] };
  }
}
