import { runService } from '#libs/bootstrap';
import { authService } from './auth-service';

void runService(authService());
