import Redis from 'ioredis';
import { DataSource } from 'typeorm';
import { createDataSourceOptions } from '#libs/database';
import { CATALOG_SCHEMA } from '../../apps/catalog/src/catalog-schema';
import { SEEDED_CACHE_NAMESPACES, seedCatalog } from '../../apps/catalog/src/catalog-seed';
import { localStackDatabaseUrl } from '../stack/local-stack';
import { ProgressBar } from '../terminal/progress-bar';

// npm run seed [-- --products 5000]: the local stack's catalog (and its Redis), or CATALOG_DATABASE_URL=mysql://... [REDIS_URL=redis://...]
async function main(): Promise<void> {
  const url = process.env.CATALOG_DATABASE_URL ?? localStackDatabaseUrl('catalog');
  const redisUrl = process.env.REDIS_URL ?? (process.env.CATALOG_DATABASE_URL ? undefined : 'redis://127.0.0.1:6379/0');
  const target = new URL(url);
  process.stdout.write(
    `seeding ${target.pathname.slice(1)} on ${target.host}${process.env.CATALOG_DATABASE_URL ? '' : " (the local stack's; CATALOG_DATABASE_URL seeds another)"}\n`,
  );
  const args = process.argv.slice(2);
  const products = args.includes('--products') ? Number(args[args.indexOf('--products') + 1]) : 5000;
  if (!Number.isInteger(products) || products < 1 || products > 1_000_000) throw new Error('--products must be 1-1000000');
  const dataSource = await new DataSource(createDataSourceOptions(url, CATALOG_SCHEMA, 2)).initialize().catch((error: Error) => {
    throw /unknown database/i.test(error.message)
      ? new Error(`${error.message}: start the stack once first (npm run stack), or set CATALOG_DATABASE_URL`)
      : error;
  });
  try {
    const bar = new ProgressBar('products'.padEnd(12), products);
    await seedCatalog(dataSource, { products, articles: 50 }, (written) => bar.advance(written));
  } finally {
    await dataSource.destroy();
  }
  // Cached pages predate the seed: bump their epochs so replicas rebuild them (local copies expire within seconds).
  if (redisUrl) {
    const redis = new Redis(redisUrl, { keyPrefix: process.env.CATALOG_REDIS_KEY_PREFIX ?? 'catalog:' });
    for (const namespace of SEEDED_CACHE_NAMESPACES) await redis.incr(`epoch:${namespace}`);
    redis.disconnect();
  }
  process.stdout.write(`seeded ${products} products, 50 articles, 5 banners\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`seed failed: ${(error as Error).message}\n`);
  process.exit(1);
});
