import { DynamicModule, Global, Module } from '@nestjs/common';
import { MetricsController } from './metrics.controller';
import { MetricsRegistry } from './metrics-registry';
import { SERVICE_NAME } from './service-name';

/** The service's metrics registry and its /metrics route. */
@Global()
@Module({})
export class MetricsModule {
  /** `service` becomes the `service` label of every series. */
  static forService(service: string): DynamicModule {
    return {
      module: MetricsModule,
      controllers: [MetricsController],
      providers: [{ provide: SERVICE_NAME, useValue: service }, MetricsRegistry],
      exports: [MetricsRegistry, SERVICE_NAME],
    };
  }
}
