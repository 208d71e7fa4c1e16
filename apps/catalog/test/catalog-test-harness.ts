import {
  createTestDatabase,
  createTestRedisNamespace,
  createTestSigningKeys,
  requestJson,
  signTestToken,
  startPrivateNats,
  startTestService,
  TestService,
  testServiceEnv,
  TestSigningKeys,
} from '#libs/testing';
import { CATALOG_SCHEMA } from '../src/catalog-schema';
import { catalogService } from '../src/catalog-service';

/** Catalog replicas in the test process sharing one database, Redis namespace and NATS. */
export interface CatalogHarness {
  replicas: TestService[];
  url: string;
  databaseUrl: string;
  staffToken: string;
  userToken: string;
  env: Record<string, string>;
  natsUrl: string;
  keys: TestSigningKeys;
  close(): Promise<void>;
}

/** Starts `replicas` catalog instances answering bus messages in the `catalog` queue group on a NATS server of their own. */
export async function startCatalogHarness(options: { replicas?: number; env?: Record<string, string> } = {}): Promise<CatalogHarness> {
  const database = await createTestDatabase('catalog', CATALOG_SCHEMA);
  const redis = createTestRedisNamespace('catalog');
  const keys = await createTestSigningKeys();
  // Bus messages of its own: a shared NATS server would let another test's catalog answer this test's orders.
  const nats = await startPrivateNats();
  const env: Record<string, string> = {
    ...testServiceEnv({ databaseUrl: database.url, redis, natsUrl: nats.url }),
    THROTTLE_LIMIT: '1000000',
    ...keys.publicEnv,
    ...options.env,
  };
  const replicas: TestService[] = [];
  // Each replica as main.ts defines it (its Fastify set-up too: the answers served from memory).
  for (let i = 0; i < (options.replicas ?? 1); i++) replicas.push(await startTestService(catalogService(env)));
  const staffToken = await signTestToken(keys.key.privateKeyPem, { kind: 'staff', roles: ['staff'], kid: keys.key.keyId });
  const userToken = await signTestToken(keys.key.privateKeyPem, { kind: 'user', roles: [], kid: keys.key.keyId });
  return {
    replicas,
    url: replicas[0].url,
    databaseUrl: database.url,
    staffToken,
    userToken,
    env,
    natsUrl: nats.url,
    keys,
    async close() {
      await Promise.allSettled(replicas.map((replica) => replica.close()));
      await Promise.allSettled([database.drop(), redis.cleanUp(), nats.stop()]);
    },
  };
}

/** A category and a product with two SKUs made through the admin API; returns the product detail. */
export async function seedProduct(harness: CatalogHarness, overrides: Record<string, unknown> = {}) {
  const category = await requestJson(`${harness.url}/api/catalog/admin/categories`, { token: harness.staffToken, body: { name: 'Tea' } });
  const product = await requestJson(`${harness.url}/api/catalog/admin/products`, {
    token: harness.staffToken,
    body: {
      categoryId: category.body.id,
      title: '西湖龙井 Green Tea',
      images: ['https://img.example/tea.jpg'],
      featured: true,
      skus: [
        { name: '250g', priceFen: 8800, stock: 50 },
        { name: '500g', priceFen: 16800, stock: 5 },
      ],
      ...overrides,
    },
  });
  if (product.status !== 201) throw new Error(`seed failed: ${product.status} ${JSON.stringify(product.body)}`);
  return product.body as { id: string; categoryId: string; skus: { id: string; name: string; priceFen: number; stock: number }[] };
}
