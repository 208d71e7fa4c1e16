import { serveApiDocs } from '#libs/api-docs';
import { runService } from '#libs/bootstrap';
import { loadConfigOrExit } from '#libs/config';
import { AuthModule } from './auth.module';
import { AuthEnv } from './config/auth-env';

const config = loadConfigOrExit(AuthEnv);
// The API document of every service is served by auth: the load balancer routes /api/docs here.
void runService({ name: 'auth', module: AuthModule.register(config), config, answersMessages: true, configureApp: (app) => serveApiDocs(app) });
