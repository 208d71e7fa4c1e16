import { LocalCluster } from '../../tools/stack/local-cluster';
import { seedId } from '../../apps/catalog/src/catalog-seed';
import { createTestCluster, loopRequests, sleep } from './cluster-fixture';

describe('catalog scaled 2 → 4 → 1 while the load runs', () => {
  let cluster: LocalCluster;

  beforeAll(async () => {
    cluster = createTestCluster({ catalog: 2 }, {}, { seedProducts: 300 });
    await cluster.start();
  }, 90000);
  afterAll(() => cluster?.stop(), 60000);

  it('answers every request while replicas are added and removed', async () => {
    const paths = [
      '/api/catalog/home',
      '/api/catalog/products?limit=20',
      `/api/catalog/products/${seedId('product', 7)}`,
      '/api/catalog/categories',
      '/api/catalog/products?q=%E6%9C%89%E6%9C%BA',
    ];
    let next = 0;
    let stop!: () => void;
    const stopped = new Promise<void>((resolve) => (stop = resolve));
    const load = loopRequests(() => fetch(`${cluster.publicUrl}${paths[next++ % paths.length]}`), 4, stopped);

    await sleep(1000);
    const added = [await cluster.scaleOut('catalog'), await cluster.scaleOut('catalog')];
    expect([...cluster.replicas.values()].filter((r) => r.service === 'catalog')).toHaveLength(4);
    await sleep(1500);
    for (const name of ['catalog-1', 'catalog-2', added[0].name]) await cluster.scaleIn(name);
    expect([...cluster.replicas.keys()]).toEqual([added[1].name]);
    await sleep(1500);
    stop();

    const result = await load;
    process.stdout.write(`scaling 2 → 4 → 1 under load: ${result.total} requests, ${result.failures.length} failed\n`);
    expect(result.failures).toEqual([]);
    expect(result.total).toBeGreaterThan(500);
  }, 120000);
});
