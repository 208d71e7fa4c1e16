import { ClientProxy, ClientProxyFactory, Transport } from '@nestjs/microservices';
import { firstValueFrom } from 'rxjs';
import { CATALOG_MESSAGES } from '#libs/contracts';
import { newId } from '#libs/database';
import { requestJson } from '#libs/testing';
import { LocalCluster } from '../../tools/stack/local-cluster';
import { createTestCluster } from './cluster-fixture';

const ADMIN = { username: 'cluster-admin', password: 'cluster-admin-password' };

async function queriesSoFar(cluster: LocalCluster): Promise<number> {
  let total = 0;
  for (const replica of cluster.replicas.values()) {
    if (replica.service !== 'catalog') continue;
    const text = await (await fetch(`http://127.0.0.1:${replica.port}/metrics`)).text();
    total += Number(/^db_queries_total(?:\{[^}]*\})? (\d+)/m.exec(text)?.[1] ?? 0);
  }
  return total;
}

describe('catalog: 3 replicas behind HAProxy', () => {
  let cluster: LocalCluster;
  let staffToken: string;
  let bus: ClientProxy;
  const api = (path: string) => `${cluster.publicUrl}/api/catalog${path}`;

  beforeAll(async () => {
    cluster = createTestCluster({ auth: 1, catalog: 3 }, { ADMIN_BOOTSTRAP_USERNAME: ADMIN.username, ADMIN_BOOTSTRAP_PASSWORD: ADMIN.password });
    await cluster.start();
    staffToken = (await requestJson(`${cluster.publicUrl}/api/auth/admin/login`, { body: ADMIN })).body.accessToken;
    bus = ClientProxyFactory.create({ transport: Transport.NATS, options: { servers: [cluster.busUrl] } });
    await bus.connect();
  }, 90000);
  afterAll(async () => {
    await bus?.close();
    await cluster?.stop();
  }, 60000);

  const createProduct = async (title: string, stock = 50) => {
    const category = await requestJson(api('/admin/categories'), { token: staffToken, body: { name: `c-${title}` } });
    const product = await requestJson(api('/admin/products'), {
      token: staffToken,
      body: { categoryId: category.body.id, title, skus: [{ name: 'one', priceFen: 990, stock }] },
    });
    expect(product.status).toBe(201);
    return product.body as { id: string; skus: { id: string }[] };
  };

  it('a cold product page under 1,000 concurrent requests across 3 replicas costs one database query', async () => {
    const product = await createProduct('stampede');
    const before = await queriesSoFar(cluster);
    const replies = await Promise.all(Array.from({ length: 1000 }, () => fetch(api(`/products/${product.id}`)).then((r) => r.status)));
    const queries = (await queriesSoFar(cluster)) - before;
    process.stdout.write(`stampede: 1000 requests, statuses ${[...new Set(replies)].join(',')}, ${queries} database queries\n`);
    expect(replies.every((status) => status === 200)).toBe(true);
    expect(queries).toBe(1);
  }, 60000);

  it('an admin edit through one replica is visible through the load balancer on the next read', async () => {
    const product = await createProduct('before edit');
    for (let i = 0; i < 6; i++) expect((await requestJson(api(`/products/${product.id}`))).body.title).toBe('before edit');
    const edit = await requestJson(`http://127.0.0.1:${cluster.requireReplica('catalog-2').port}/api/catalog/admin/products/${product.id}`, {
      method: 'PATCH',
      token: staffToken,
      body: { title: 'after edit' },
    });
    expect(edit.status).toBe(200);
    for (let i = 0; i < 6; i++) expect((await requestJson(api(`/products/${product.id}`))).body.title).toBe('after edit');
    for (const name of ['catalog-1', 'catalog-3']) {
      expect((await requestJson(`http://127.0.0.1:${cluster.requireReplica(name).port}/api/catalog/products/${product.id}`)).body.title).toBe('after edit');
    }
  });

  it('200 concurrent reserve requests for 50 units across the replicas reserve exactly 50', async () => {
    const product = await createProduct('scarce', 50);
    const outcomes = await Promise.allSettled(
      Array.from({ length: 200 }, () =>
        firstValueFrom(bus.send(CATALOG_MESSAGES.reserveStock, { orderId: newId(), lines: [{ skuId: product.skus[0].id, quantity: 1 }] })),
      ),
    );
    const refused = outcomes.filter((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
    expect(new Set(refused.map((outcome) => outcome.reason.code))).toEqual(new Set(['INSUFFICIENT_STOCK']));
    expect(outcomes.length - refused.length).toBe(50);
    const detail = await requestJson(api(`/admin/products/${product.id}`), { token: staffToken });
    expect(detail.body.skus[0].stock).toBe(0);
  });
});
