import { runService } from '#libs/bootstrap';
import { loadConfigOrExit, ServiceEnv } from '#libs/config';
import { CatalogModule } from './catalog.module';

const config = loadConfigOrExit(ServiceEnv);
void runService({ name: 'catalog', module: CatalogModule.register(config), config, answersMessages: false });
