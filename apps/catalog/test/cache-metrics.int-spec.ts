import { requestJson, scrapeMetrics } from '#libs/testing';
import { CatalogHarness, seedProduct, startCatalogHarness } from './catalog-test-harness';

describe('cache metrics of catalog (real catalog, MariaDB, Redis)', () => {
  let catalog: CatalogHarness;
  beforeAll(async () => {
    catalog = await startCatalogHarness({ replicas: 2 });
  });
  afterAll(() => catalog.close());

  it('counts a miss rebuilt from MySQL, then hits in the replica’s memory and in Redis for another replica', async () => {
    const product = await seedProduct(catalog);
    const [first, second] = catalog.replicas.map((replica) => replica.url);
    const before = await Promise.all([scrapeMetrics(first), scrapeMetrics(second)]);
    expect((await requestJson(`${first}/api/catalog/products/${product.id}`)).status).toBe(200);
    expect((await requestJson(`${first}/api/catalog/products/${product.id}`)).status).toBe(200);
    expect((await requestJson(`${second}/api/catalog/products/${product.id}`)).status).toBe(200);
    const after = await Promise.all([scrapeMetrics(first), scrapeMetrics(second)]);
    const moved = (replica: 0 | 1, outcome: string) =>
      after[replica].value('cache_reads_total', { outcome, namespace: 'product' }) -
      before[replica].value('cache_reads_total', { outcome, namespace: 'product' });
    expect(moved(0, 'loaded')).toBe(1);
    expect(moved(0, 'local')).toBe(1);
    expect(moved(1, 'redis')).toBe(1);
    expect(moved(1, 'loaded')).toBe(0);
  });
});
