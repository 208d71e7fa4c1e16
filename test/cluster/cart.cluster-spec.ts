import { requestJson } from '#libs/testing';
import { LocalCluster } from '../../tools/stack/local-cluster';
import { createTestCluster, signClusterToken } from './cluster-fixture';

describe('cart: 2 orders replicas as processes behind the real HAProxy', () => {
  let cluster: LocalCluster;
  let staffToken: string;
  const api = (path: string) => `${cluster.publicUrl}${path}`;
  const replica = (name: string) => `http://127.0.0.1:${cluster.requireReplica(name).port}`;
  const sign = (subject: string, extra: { kind?: 'staff'; roles?: string[] } = {}) => {
    return signClusterToken(cluster, {
      subject,
      ...extra,
      expiresAt: Math.floor(Date.now() / 1000) + 3600,
    });
  };
  const seedSkus = async (count: number, priceFen = 500): Promise<string[]> => {
    const category = await requestJson(api('/api/catalog/admin/categories'), { token: staffToken, body: { name: `Cart ${Date.now()}` } });
    const product = await requestJson(api('/api/catalog/admin/products'), {
      token: staffToken,
      body: {
        categoryId: category.body.id,
        title: 'Cart tea',
        images: ['https://img.example/t.jpg'],
        skus: Array.from({ length: count }, (_, i) => ({ name: `s${String(i).padStart(2, '0')}`, priceFen, stock: 100 })),
      },
    });
    expect(product.status).toBe(201);
    return (product.body.skus as { id: string; name: string }[]).sort((a, b) => a.name.localeCompare(b.name)).map((sku) => sku.id);
  };
  const put = (base: string, token: string, skuId: string, quantity: number) =>
    requestJson(`${base}/api/cart/items/${skuId}`, { method: 'PUT', token, body: { quantity } });
  const lines = async (base: string, token: string) =>
    ((await requestJson(`${base}/api/cart`, { token })).body.items as { skuId: string; quantity: number }[]).map((item) => [item.skuId, item.quantity]);

  beforeAll(async () => {
    cluster = createTestCluster({ auth: 1, catalog: 1, orders: 2 });
    await cluster.start();
    staffToken = await sign('01CARTSTAFF000000000000000', { kind: 'staff', roles: ['admin'] });
  }, 120000);
  afterAll(() => cluster?.stop(), 60000);

  it('a line set on one replica is read on the other; an order from the cart through HAProxy removes its lines only', async () => {
    const token = await sign('01CARTUSER0000000000000001');
    const [tea, cup, pot] = await seedSkus(3, 800);
    expect((await put(replica('orders-1'), token, tea, 2)).status).toBe(200);
    expect((await put(replica('orders-2'), token, cup, 1)).status).toBe(200);
    expect((await put(replica('orders-1'), token, pot, 4)).status).toBe(200);
    const expected = [
      [pot, 4],
      [cup, 1],
      [tea, 2],
    ];
    expect(await lines(replica('orders-2'), token)).toEqual(expected);
    expect(await lines(replica('orders-1'), token)).toEqual(expected);
    const view = await requestJson(api('/api/cart'), { token });
    expect(view.body.totalFen).toBe(7 * 800);

    const order = await requestJson(api('/api/orders'), {
      token,
      headers: { 'idempotency-key': 'cart-cluster-order' },
      body: {
        items: [
          { skuId: tea, quantity: 2 },
          { skuId: pot, quantity: 4 },
        ],
        contact: { name: 'Buyer', phone: '13800138000' },
      },
    });
    expect(order.status).toBe(201);
    for (const base of [replica('orders-1'), replica('orders-2'), cluster.publicUrl]) expect(await lines(base, token)).toEqual([[cup, 1]]);
  }, 30000);

  it('PUTs of new SKUs racing through HAProxy at 49 lines make exactly one more line', async () => {
    const token = await sign('01CARTUSER0000000000000002');
    const skus = await seedSkus(50);
    const more = await seedSkus(5);
    for (let i = 0; i < 49; i += 7) await Promise.all(skus.slice(i, i + 7).map((sku) => put(cluster.publicUrl, token, sku, 1)));
    expect(await lines(cluster.publicUrl, token)).toHaveLength(49);
    const replies = await Promise.all([skus[49], ...more].map((sku) => put(cluster.publicUrl, token, sku, 1)));
    expect(replies.map((reply) => reply.status).sort()).toEqual([200, 409, 409, 409, 409, 409]);
    expect(replies.filter((reply) => reply.status === 409).every((reply) => reply.body.code === 'CART_FULL')).toBe(true);
    expect(await lines(replica('orders-1'), token)).toHaveLength(50);
    expect(await lines(replica('orders-2'), token)).toHaveLength(50);
  }, 30000);
});
