import { runService } from '#libs/bootstrap';
import { loadConfigOrExit } from '#libs/config';
import { AuthModule } from './auth.module';
import { AuthEnv } from './config/auth-env';

const config = loadConfigOrExit(AuthEnv);
void runService({ name: 'auth', module: AuthModule.register(config), config, answersMessages: true });
