import { ServiceSchema } from '#libs/database';
import { Article } from './entities/article.entity';
import { Banner } from './entities/banner.entity';
import { Category } from './entities/category.entity';
import { Product } from './entities/product.entity';
import { ShareCode } from './entities/share-code.entity';
import { Sku } from './entities/sku.entity';
import { StockReservationLine } from './entities/stock-reservation.entity';
import { CreateCatalogSchema1763720000000 } from './migrations/1763720000000-create-catalog-schema';
import { CreateProductShareCodes1796190000000 } from './migrations/1796190000000-create-product-share-codes';

/** The tables the catalog service owns and the migrations that make them. */
export const CATALOG_SCHEMA: ServiceSchema = {
  entities: [Category, Product, Sku, StockReservationLine, Article, Banner, ShareCode],
  migrations: [CreateCatalogSchema1763720000000, CreateProductShareCodes1796190000000],
};
