import { IsBoolean, IsInt, Max, Min } from 'class-validator';
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
}
