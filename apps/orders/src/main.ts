import { runService } from '#libs/bootstrap';
import { loadConfigOrExit } from '#libs/config';
import { OrdersEnv } from './config/orders-env';
import { OrdersModule } from './orders.module';
import { captureRawBodies } from './orders-fastify';

const config = loadConfigOrExit(OrdersEnv);
void runService({ name: 'orders', module: OrdersModule.register(config), config, answersMessages: false, configureFastify: captureRawBodies });
