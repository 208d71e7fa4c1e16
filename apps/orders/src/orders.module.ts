import { DynamicModule, Module } from '@nestjs/common';
import { PlatformModule } from '#libs/bootstrap';
import { ServiceEnv } from '#libs/config';
import { ORDERS_SCHEMA } from './orders-schema';

/** The orders service. */
@Module({})
export class OrdersModule {
  static register(config: ServiceEnv): DynamicModule {
    return {
      module: OrdersModule,
      imports: [PlatformModule.forService('orders', config, ORDERS_SCHEMA)],
    };
  }
}
