import { hostname } from 'node:os';
import { runServices, ServiceDefinition } from '#libs/bootstrap';
import { scopedEnv } from '#libs/config';
import { createLogger } from '#libs/logging';
import { authService } from '../../auth/src/auth-service';
import { catalogService } from '../../catalog/src/catalog-service';
import { ordersService } from '../../orders/src/orders-service';
import { uploadService } from '../../upload/src/upload-service';

const SERVICES: Record<string, (env: NodeJS.ProcessEnv) => ServiceDefinition> = {
  auth: authService,
  catalog: catalogService,
  orders: ordersService,
  upload: uploadService,
};

// Stage 2: the services named in SERVICES (default all four) in this one process, on PORT.
const names = (process.env.SERVICES ?? Object.keys(SERVICES).join(','))
  .split(',')
  .map((name) => name.trim())
  .filter(Boolean);
const unknown = names.filter((name) => !(name in SERVICES));
if (unknown.length || !names.length) {
  process.stderr.write(`SERVICES must list some of ${Object.keys(SERVICES).join(', ')}; unknown: ${unknown.join(', ') || '(none given)'}\n`);
  process.exit(1);
}
const definitions = names.map((name) => SERVICES[name](scopedEnv(process.env, name)));
const { config } = definitions[0];
const logger = createLogger({ service: names.join('+'), instance: config.INSTANCE_ID ?? `${hostname()}:${config.PORT}`, level: config.LOG_LEVEL });
void runServices(definitions, { port: config.PORT, host: config.HOST }, logger);
