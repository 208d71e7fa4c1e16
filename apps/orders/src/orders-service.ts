import type { ServiceDefinition } from '#libs/bootstrap';
import { loadConfigOrExit } from '#libs/config';
import { OrdersEnv } from './config/orders-env';
import { OrdersModule } from './orders.module';
import { captureRawBodies } from './orders-fastify';

/** The orders service as the bootstrap runs it, from `env` (its own process, or one of several in one). */
export function ordersService(env: NodeJS.ProcessEnv = process.env): ServiceDefinition {
  const config = loadConfigOrExit(OrdersEnv, env);
  return {
    name: 'orders',
    module: OrdersModule.register(config),
    config,
    // For the WeChat push events auth publishes (trade_manage_order_settlement).
    answersMessages: true,
    routes: ['/api/orders', '/api/appointments', '/api/cart', '/api/coupons'],
    configureFastify: captureRawBodies,
  };
}
