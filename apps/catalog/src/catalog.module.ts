import { DynamicModule, Module } from '@nestjs/common';
import { PlatformModule } from '#libs/bootstrap';
import { CacheModule } from '#libs/cache';
import { WechatModule } from '#libs/wechat';
import { CATALOG_SCHEMA } from './catalog-schema';
import { UploadClient } from './clients/upload.client';
import { CatalogEnv } from './config/catalog-env';
import { CatalogController } from './controllers/catalog.controller';
import { ContentAdminController } from './controllers/content-admin.controller';
import { ProductAdminController } from './controllers/product-admin.controller';
import { ShareCodeController } from './controllers/share-code.controller';
import { StockHandler } from './messages/stock.handler';
import { UploadEventsHandler } from './messages/upload-events.handler';
import { CategoryRepository } from './repositories/category.repository';
import { ContentRepository } from './repositories/content.repository';
import { ProductRepository } from './repositories/product.repository';
import { ShareCodeRepository } from './repositories/share-code.repository';
import { SkuRepository } from './repositories/sku.repository';
import { StockReservationRepository } from './repositories/stock-reservation.repository';
import { CatalogReadService } from './services/catalog-read.service';
import { ContentAdminService } from './services/content-admin.service';
import { ProductAdminService } from './services/product-admin.service';
import { ShareCodeService } from './services/share-code.service';
import { StockService } from './services/stock.service';
import { UploadReferencesService } from './services/upload-references.service';

/** The catalog service: categories, products, SKUs and stock, articles, banners, the cached home page. */
@Module({})
export class CatalogModule {
  static register(config: CatalogEnv): DynamicModule {
    return {
      module: CatalogModule,
      imports: [
        PlatformModule.forService('catalog', config, CATALOG_SCHEMA),
        CacheModule.forRoot({
          enabled: config.CACHE_ENABLED,
          localMaxEntries: config.CACHE_LOCAL_MAX_ENTRIES,
          localTtlMs: config.CACHE_LOCAL_TTL_MS,
          redisTtlSeconds: config.CACHE_REDIS_TTL_SECONDS,
          lockTtlMs: 5000,
          waitMs: 3000,
        }),
        WechatModule.forService(),
      ],
      controllers: [CatalogController, ShareCodeController, ProductAdminController, ContentAdminController, StockHandler, UploadEventsHandler],
      providers: [
        UploadClient,
        CategoryRepository,
        ContentRepository,
        ProductRepository,
        SkuRepository,
        StockReservationRepository,
        CatalogReadService,
        ProductAdminService,
        ContentAdminService,
        StockService,
        UploadReferencesService,
        ShareCodeRepository,
        ShareCodeService,
      ],
    };
  }
}
