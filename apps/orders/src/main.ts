import { runService } from '#libs/bootstrap';
import { ordersService } from './orders-service';

void runService(ordersService());
