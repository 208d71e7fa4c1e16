import { IsBoolean, IsInt, Matches, Max, MaxLength, Min } from 'class-validator';
import { BooleanFromEnv, ServiceEnv } from '#libs/config';

/** The catalog's environment: the shared variables plus its cache tuning. */
export class CatalogEnv extends ServiceEnv {
  /** false serves every read from MySQL (for measuring what the cache saves). */
  @BooleanFromEnv()
  @IsBoolean()
  CACHE_ENABLED: boolean = true;

  /** Read models kept in each replica's memory. */
  @IsInt()
  @Min(0)
  @Max(1_000_000)
  CACHE_LOCAL_MAX_ENTRIES: number = 10000;

  /** How long a replica keeps a read model in memory (invalidation broadcasts drop it sooner). */
  @IsInt()
  @Min(100)
  @Max(3_600_000)
  CACHE_LOCAL_TTL_MS: number = 10000;

  @IsInt()
  @Min(1)
  @Max(86400)
  CACHE_REDIS_TTL_SECONDS: number = 600;

  /** The mini-program page a product's share code opens, with the product id as its `scene` (a page path, no leading slash). */
  @MaxLength(128)
  @Matches(/^[A-Za-z0-9_-]+(\/[A-Za-z0-9_.-]+)*$/, { message: 'CATALOG_SHARE_PAGE must be a page path such as pages/product/index (no leading slash)' })
  CATALOG_SHARE_PAGE: string = 'pages/product/index';
}
