import Redis from 'ioredis';
import { requestJson, TEST_REDIS_URL } from '#libs/testing';
import { OrdersHarness, startOrdersHarness, TestUser } from './orders-test-harness';

/** A valid address-book entry; `overrides` change fields. */
function addressBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: '张三',
    phone: '13800138000',
    province: '浙江省',
    city: '杭州市',
    district: '西湖区',
    detail: '龙井路 1 号',
    postalCode: '310000',
    ...overrides,
  };
}

describe('orders placed with addressId: a copy of the address-book entry (real orders, auth, catalog; MariaDB, Redis, NATS)', () => {
  let h: OrdersHarness;
  let alice: TestUser;
  let bob: TestUser;
  const create = (user: TestUser, body: unknown, key?: string) =>
    requestJson(`${h.url}/api/orders`, { token: user.token, body, headers: key ? { 'idempotency-key': key } : {} });
  const addAddress = async (user: TestUser, body = addressBody()) => {
    const reply = await requestJson(`${h.auth.url}/api/auth/addresses`, { token: user.token, body });
    if (reply.status !== 201) throw new Error(`adding an address failed: ${reply.status} ${JSON.stringify(reply.body)}`);
    return reply.body.id as string;
  };
  const ordersOf = (user: TestUser) => h.query('SELECT * FROM orders WHERE user_id = ? ORDER BY id', [user.id]);

  beforeAll(async () => {
    h = await startOrdersHarness();
    [alice, bob] = await Promise.all([h.login('address-alice'), h.login('address-bob')]);
  }, 60000);
  afterAll(() => h?.close());

  it('snapshots the address into the order’s contact; editing or deleting the address later leaves the order as placed', async () => {
    const [sku] = await h.seedSkus([{ priceFen: 1200, stock: 10 }]);
    const addressId = await addAddress(alice);
    const placed = await create(alice, { items: [{ skuId: sku, quantity: 2 }], addressId, remark: 'ring twice' });
    expect(placed.status).toBe(201);
    expect(placed.body).toMatchObject({
      status: 'pending_payment',
      totalFen: 2400,
      contact: {
        name: '张三',
        phone: '13800138000',
        address: '浙江省 杭州市 西湖区 龙井路 1 号',
        addressParts: { province: '浙江省', city: '杭州市', district: '西湖区', detail: '龙井路 1 号', postalCode: '310000' },
      },
      remark: 'ring twice',
    });
    expect(await h.stockOf(sku)).toBe(8);

    const edited = await requestJson(`${h.auth.url}/api/auth/addresses/${addressId}`, {
      method: 'PATCH',
      token: alice.token,
      body: { name: '李四', phone: '13900139000', city: '宁波市', detail: '中山路 9 号' },
    });
    expect(edited.status).toBe(200);
    const afterEdit = await requestJson(`${h.url}/api/orders/${placed.body.id}`, { token: alice.token });
    expect(afterEdit.body).toEqual(placed.body);

    expect((await requestJson(`${h.auth.url}/api/auth/addresses/${addressId}`, { method: 'DELETE', token: alice.token })).status).toBe(204);
    const afterDelete = await requestJson(`${h.url}/api/orders/${placed.body.id}`, { token: alice.token });
    expect(afterDelete.body).toEqual(placed.body);
    const [row] = await h.query('SELECT contact_name, contact_phone, contact_address, contact_city, contact_postal_code FROM orders WHERE id = ?', [
      placed.body.id,
    ]);
    expect(row).toEqual({
      contact_name: '张三',
      contact_phone: '13800138000',
      contact_address: '浙江省 杭州市 西湖区 龙井路 1 号',
      contact_city: '杭州市',
      contact_postal_code: '310000',
    });

    // The deleted address places nothing more.
    const again = await create(alice, { items: [{ skuId: sku, quantity: 1 }], addressId });
    expect(again.status).toBe(404);
    expect(again.body.code).toBe('ADDRESS_NOT_FOUND');
    expect(await h.stockOf(sku)).toBe(8);
  });

  it('another user’s address is 404 ADDRESS_NOT_FOUND: no order, no stock reserved', async () => {
    const [sku] = await h.seedSkus([{ priceFen: 500, stock: 3 }]);
    const bobsAddress = await addAddress(bob, addressBody({ name: 'Bob' }));
    const before = await ordersOf(alice);
    const reply = await create(alice, { items: [{ skuId: sku, quantity: 3 }], addressId: bobsAddress }, 'alice-steals-bobs-address');
    expect(reply.status).toBe(404);
    expect(reply.body).toMatchObject({ statusCode: 404, code: 'ADDRESS_NOT_FOUND' });
    expect(await ordersOf(alice)).toEqual(before);
    expect(await h.stockOf(sku)).toBe(3);
    const unknown = await create(alice, { items: [{ skuId: sku, quantity: 1 }], addressId: '01ARZ3NDEKTSV4RRFFQ69G5FAV' });
    expect(unknown.body.code).toBe('ADDRESS_NOT_FOUND');
    expect(await h.stockOf(sku)).toBe(3);
  });

  it('takes exactly one of contact and addressId: both, neither or a malformed id is 400 VALIDATION_FAILED and writes nothing', async () => {
    const [sku] = await h.seedSkus([{ priceFen: 500, stock: 5 }]);
    const addressId = await addAddress(alice, addressBody({ detail: 'exactly one' }));
    const items = [{ skuId: sku, quantity: 1 }];
    const contact = { name: 'Alice', phone: '13800138000' };
    const before = await ordersOf(alice);
    const cases: [Record<string, unknown>, string[]][] = [
      [{ items, contact, addressId }, ['contact', 'addressId']],
      [{ items }, ['contact', 'addressId']],
      [{ items, addressId: 'not-an-id' }, ['addressId']],
      [{ items, addressId: null }, ['addressId']],
      [{ items, contact: null, addressId }, ['contact']],
    ];
    for (const [body, fields] of cases) {
      const reply = await create(alice, body);
      expect({ body, status: reply.status, code: reply.body.code }).toEqual({ body, status: 400, code: 'VALIDATION_FAILED' });
      const reported = (reply.body.details as { field: string }[]).map((detail) => detail.field);
      expect({ body, reported: fields.every((field) => reported.includes(field)) }).toEqual({ body, reported: true });
    }
    expect(await ordersOf(alice)).toEqual(before);
    expect(await h.stockOf(sku)).toBe(5);
    // A contact alone still places an order, as before.
    expect((await create(alice, { items, contact })).body.contact).toEqual({ name: 'Alice', phone: '13800138000', address: null, addressParts: null });
  });

  it('a retry with the same Idempotency-Key and addressId answers the same order, placed once, even after the address changed', async () => {
    const [sku] = await h.seedSkus([{ priceFen: 700, stock: 10 }]);
    const addressId = await addAddress(alice, addressBody({ detail: 'keyed' }));
    const body = { items: [{ skuId: sku, quantity: 2 }], addressId };
    const first = await create(alice, body, 'address-order-key-1');
    expect(first.status).toBe(201);
    await requestJson(`${h.auth.url}/api/auth/addresses/${addressId}`, { method: 'PATCH', token: alice.token, body: { detail: 'moved' } });
    const retry = await create(alice, body, 'address-order-key-1');
    expect(retry.status).toBe(201);
    expect(retry.body).toEqual(first.body);
    expect(retry.body.contact.address).toBe('浙江省 杭州市 西湖区 keyed');
    expect(await h.stockOf(sku)).toBe(8);
    expect(await h.query('SELECT id FROM orders WHERE user_id = ? AND total_fen = 1400', [alice.id])).toHaveLength(1);
  });

  it('the same retry answers the same order even when the Redis record is lost and the address deleted since', async () => {
    const [sku] = await h.seedSkus([{ priceFen: 300, stock: 10 }]);
    const addressId = await addAddress(alice, addressBody({ detail: 'gone later' }));
    const body = { items: [{ skuId: sku, quantity: 1 }], addressId };
    const first = await create(alice, body, 'address-order-key-2');
    expect(first.status).toBe(201);
    const redis = new Redis(TEST_REDIS_URL);
    try {
      const keys = await redis.keys(`${h.env.REDIS_KEY_PREFIX}idem:*`);
      expect(keys.length).toBeGreaterThan(0);
      await redis.del(...keys);
    } finally {
      redis.disconnect();
    }
    expect((await requestJson(`${h.auth.url}/api/auth/addresses/${addressId}`, { method: 'DELETE', token: alice.token })).status).toBe(204);
    const retry = await create(alice, body, 'address-order-key-2');
    expect(retry.status).toBe(201);
    expect(retry.body).toEqual(first.body);
    expect(await h.stockOf(sku)).toBe(9);
    // A new key with the deleted address is refused.
    expect((await create(alice, body, 'address-order-key-3')).body.code).toBe('ADDRESS_NOT_FOUND');
  });
});
