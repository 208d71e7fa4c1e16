import { runService } from '#libs/bootstrap';
import { loadConfigOrExit } from '#libs/config';
import { CatalogModule } from './catalog.module';
import { CatalogEnv } from './config/catalog-env';

const config = loadConfigOrExit(CatalogEnv);
void runService({ name: 'catalog', module: CatalogModule.register(config), config, answersMessages: true });
