import { DynamicModule, Module } from '@nestjs/common';
import { PlatformModule } from '#libs/bootstrap';
import { ServiceEnv } from '#libs/config';
import { CATALOG_SCHEMA } from './catalog-schema';

/** The catalog service. */
@Module({})
export class CatalogModule {
  static register(config: ServiceEnv): DynamicModule {
    return {
      module: CatalogModule,
      imports: [PlatformModule.forService('catalog', config, CATALOG_SCHEMA)],
    };
  }
}
