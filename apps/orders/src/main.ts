import { runService } from '#libs/bootstrap';
import { loadConfigOrExit, ServiceEnv } from '#libs/config';
import { OrdersModule } from './orders.module';

const config = loadConfigOrExit(ServiceEnv);
void runService({ name: 'orders', module: OrdersModule.register(config), config, answersMessages: false });
