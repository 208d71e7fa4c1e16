import { serveApiDocs } from '#libs/api-docs';
import type { ServiceDefinition } from '#libs/bootstrap';
import { loadConfigOrExit } from '#libs/config';
import { serveStaffConsole, STAFF_CONSOLE_PREFIX } from '#libs/staff-console';
import { AuthModule } from './auth.module';
import { AuthEnv } from './config/auth-env';

/** The auth service as the bootstrap runs it, from `env` (its own process, or one of several in one). */
export function authService(env: NodeJS.ProcessEnv = process.env): ServiceDefinition {
  const config = loadConfigOrExit(AuthEnv, env);
  return {
    name: 'auth',
    module: AuthModule.register(config),
    config,
    answersMessages: true,
    // The API document of every service and the staff console are served by auth: the load balancer routes /api/docs and /admin here.
    routes: ['/api/auth', '/api/docs', STAFF_CONSOLE_PREFIX],
    configureApp: (app) => {
      serveApiDocs(app);
      serveStaffConsole(app);
    },
  };
}
