import { runService } from '#libs/bootstrap';
import { catalogService } from './catalog-service';

void runService(catalogService());
