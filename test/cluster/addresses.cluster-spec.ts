import { requestJson } from '#libs/testing';
import { LocalCluster } from '../../tools/stack/local-cluster';
import { createTestCluster, signClusterToken } from './cluster-fixture';

interface AddressView {
  id: string;
  isDefault: boolean;
}

/** A valid address; `detail` tells them apart. */
const address = (detail: string, extra: Record<string, unknown> = {}) => ({
  name: '张三',
  phone: '13800138000',
  province: '浙江省',
  city: '杭州市',
  district: '西湖区',
  detail,
  ...extra,
});

describe('address book: 2 auth and 2 orders replicas as processes behind the real HAProxy', () => {
  let cluster: LocalCluster;
  let staffToken: string;
  let logins = 0;
  const api = (path: string) => `${cluster.publicUrl}${path}`;
  const replica = (name: string) => `http://127.0.0.1:${cluster.requireReplica(name).port}`;
  /** A user logged in through the sandbox (the address book locks the user's row, so the user must exist). */
  const login = async (name: string) => {
    const reply = await requestJson(api('/api/auth/wechat/login'), { body: { code: `${++logins}:${name}` } });
    expect(reply.status).toBe(200);
    return reply.body.accessToken as string;
  };
  const add = (base: string, token: string, body: unknown) => requestJson(`${base}/api/auth/addresses`, { token, body });
  const list = async (base: string, token: string) => (await requestJson(`${base}/api/auth/addresses`, { token })).body.items as AddressView[];

  beforeAll(async () => {
    cluster = createTestCluster({ auth: 2, catalog: 1, orders: 2 });
    await cluster.start();
    staffToken = await signClusterToken(cluster, {
      subject: '01ADDRSTAFF000000000000000',
      kind: 'staff',
      roles: ['admin'],
      expiresAt: Math.floor(Date.now() / 1000) + 3600,
    });
  }, 120000);
  afterAll(() => cluster?.stop(), 60000);

  it('adds racing on both auth replicas at 19 make exactly the 20th; "set default" racing on both leaves one default', async () => {
    const token = await login('address-racer');
    for (let i = 0; i < 19; i++) expect((await add(cluster.publicUrl, token, address(`seed ${i}`))).status).toBe(201);
    const replies = await Promise.all([0, 1, 2, 3].map((i) => add(replica(i % 2 ? 'auth-2' : 'auth-1'), token, address(`race ${i}`, { isDefault: true }))));
    expect(replies.map((reply) => reply.status).sort()).toEqual([201, 409, 409, 409]);
    expect(replies.filter((reply) => reply.status === 409).every((reply) => reply.body.code === 'ADDRESS_BOOK_FULL')).toBe(true);
    for (const base of [replica('auth-1'), replica('auth-2')]) {
      const items = await list(base, token);
      expect(items).toHaveLength(20);
      expect(items.filter((item) => item.isDefault)).toHaveLength(1);
    }

    const ids = (await list(cluster.publicUrl, token)).map((item) => item.id);
    const moves = await Promise.all(
      ids.map((id, i) =>
        requestJson(`${replica(i % 2 ? 'auth-2' : 'auth-1')}/api/auth/addresses/${id}`, { method: 'PATCH', token, body: { isDefault: true } }),
      ),
    );
    expect(moves.every((reply) => reply.status === 200)).toBe(true);
    const after = await list(cluster.publicUrl, token);
    expect(after.filter((item) => item.isDefault)).toHaveLength(1);
    expect(after[0].isDefault).toBe(true);
  }, 60000);

  it('orders through HAProxy copy the address from auth over the bus; its deletion leaves the order; another user’s is 404 with no stock taken', async () => {
    const [alice, bob] = [await login('address-alice'), await login('address-bob')];
    const category = await requestJson(api('/api/catalog/admin/categories'), { token: staffToken, body: { name: 'Address tea' } });
    const product = await requestJson(api('/api/catalog/admin/products'), {
      token: staffToken,
      body: { categoryId: category.body.id, title: 'Address tea', images: ['https://img.example/t.jpg'], skus: [{ name: 'box', priceFen: 900, stock: 5 }] },
    });
    const skuId = product.body.skus[0].id as string;
    const stock = async () => (await requestJson(api(`/api/catalog/products/${product.body.id}`))).body.skus[0].stock as number;

    const addressId = (await add(cluster.publicUrl, alice, address('龙井路 1 号'))).body.id as string;
    const order = await requestJson(api('/api/orders'), {
      token: alice,
      headers: { 'idempotency-key': 'address-cluster-order' },
      body: { items: [{ skuId, quantity: 2 }], addressId },
    });
    expect(order.status).toBe(201);
    expect(order.body.contact).toMatchObject({ name: '张三', phone: '13800138000', address: '浙江省 杭州市 西湖区 龙井路 1 号' });
    expect((await requestJson(api(`/api/auth/addresses/${addressId}`), { method: 'DELETE', token: alice })).status).toBe(204);
    for (const base of [replica('orders-1'), replica('orders-2')]) {
      expect((await requestJson(`${base}/api/orders/${order.body.id}`, { token: alice })).body.contact).toEqual(order.body.contact);
    }
    expect(await stock()).toBe(3);

    const bobsAddress = (await add(cluster.publicUrl, bob, address('Bob 路 2 号'))).body.id as string;
    const stolen = await requestJson(api('/api/orders'), { token: alice, body: { items: [{ skuId, quantity: 1 }], addressId: bobsAddress } });
    expect(stolen.status).toBe(404);
    expect(stolen.body.code).toBe('ADDRESS_NOT_FOUND');
    expect(await stock()).toBe(3);
    expect((await requestJson(api('/api/orders'), { token: alice })).body.items).toHaveLength(1);
  }, 60000);
});
