import type { ServiceDefinition } from '#libs/bootstrap';
import { ReadyAnswers } from '#libs/cache';
import { loadConfigOrExit } from '#libs/config';
import { CatalogModule } from './catalog.module';
import { CatalogEnv } from './config/catalog-env';

/** The catalog service as the bootstrap runs it, from `env` (its own process, or one of several in one). */
export function catalogService(env: NodeJS.ProcessEnv = process.env): ServiceDefinition {
  const config = loadConfigOrExit(CatalogEnv, env);
  return {
    name: 'catalog',
    module: CatalogModule.register(config),
    config,
    answersMessages: true,
    routes: ['/api/catalog'],
    configureApp: (app) => app.get(ReadyAnswers).install(app.getHttpAdapter().getInstance()),
  };
}
