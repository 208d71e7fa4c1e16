import { ServiceSchema } from '#libs/database';
import { Article } from './entities/article.entity';
import { Banner } from './entities/banner.entity';
import { Category } from './entities/category.entity';
import { Product } from './entities/product.entity';
import { Sku } from './entities/sku.entity';
import { StockReservationLine } from './entities/stock-reservation.entity';
import { CreateCatalogSchema1763720000000 } from './migrations/1763720000000-create-catalog-schema';

/** The tables the catalog service owns and the migrations that make them. */
export const CATALOG_SCHEMA: ServiceSchema = {
  entities: [Category, Product, Sku, StockReservationLine, Article, Banner],
  migrations: [CreateCatalogSchema1763720000000],
};
