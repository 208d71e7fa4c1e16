import fc from 'fast-check';
import { JsonReply, requestJson } from '#libs/testing';
import { orderBody, OrdersHarness, startOrdersHarness, TestUser } from './orders-test-harness';

const LEAKS = /SELECT|INSERT|UPDATE |\bER_[A-Z_]+|\/work\/|\.ts:\d|\.js:\d|stack|TypeError/;
const UNKNOWN_SKU = '01ARZ3NDEKTSV4RRFFQ69G5FAV';

function expectClientError(reply: JsonReply, code?: string, context?: unknown): void {
  const where = `for ${JSON.stringify(context)} got ${reply.status} ${JSON.stringify(reply.body)}`;
  expect({ where, clientError: reply.status >= 400 && reply.status < 500 }).toEqual({ where, clientError: true });
  expect(reply.body).toMatchObject({
    statusCode: reply.status,
    code: expect.stringMatching(/^[A-Z][A-Z_]+$/),
    message: expect.any(String),
    requestId: reply.headers.get('x-request-id'),
  });
  if (code) expect({ where, code: reply.body.code }).toEqual({ where, code });
  expect(JSON.stringify(reply.body)).not.toMatch(LEAKS);
}

describe('bad input to orders and appointments is refused clearly and writes nothing (real services, MariaDB)', () => {
  let h: OrdersHarness;
  let user: TestUser;
  let sku: string;
  let offSaleSku: string;
  let stockBefore: number;
  const create = (body: unknown) => requestJson(`${h.url}/api/orders`, { token: user.token, body });
  const snapshot = async () => ({
    orders: await h.query('SELECT id, status, stock_state, version FROM orders ORDER BY id'),
    items: await h.query('SELECT COUNT(*) AS n FROM order_items'),
    events: await h.query('SELECT COUNT(*) AS n FROM order_events'),
    appointments: await h.query('SELECT COUNT(*) AS n FROM appointments'),
    slots: await h.query('SELECT id, booked FROM appointment_slots ORDER BY id'),
    stock: await h.stockOf(sku),
  });

  beforeAll(async () => {
    h = await startOrdersHarness();
    user = await h.login('bad-input-user');
    [sku] = await h.seedSkus([{ priceFen: 1000, stock: 20 }]);
    [offSaleSku] = await h.seedSkus([{ priceFen: 1000, stock: 20 }], { onSale: false });
    stockBefore = await h.stockOf(sku);
  }, 60000);
  afterAll(() => h?.close());

  it('refuses unknown SKUs (404 SKU_NOT_FOUND, naming the line) and SKUs not on sale', async () => {
    const before = await snapshot();
    const unknown = await create(
      orderBody([
        { skuId: sku, quantity: 1 },
        { skuId: UNKNOWN_SKU, quantity: 1 },
      ]),
    );
    expectClientError(unknown, 'SKU_NOT_FOUND');
    expect(unknown.status).toBe(404);
    expect(unknown.body.details).toEqual([{ field: 'items.1.skuId', message: expect.stringContaining(UNKNOWN_SKU) }]);
    const offSale = await create(orderBody([{ skuId: offSaleSku, quantity: 1 }]));
    expectClientError(offSale);
    expect(['SKU_NOT_ON_SALE', 'SKU_NOT_FOUND']).toContain(offSale.body.code);
    expect(await snapshot()).toEqual(before);
  });

  it('refuses empty carts, zero, negative, fractional and absurd quantities, naming the field', async () => {
    const before = await snapshot();
    const cases: [unknown, string][] = [
      [orderBody([]), 'items'],
      [{ contact: orderBody([]).contact }, 'items'],
      [orderBody([{ skuId: sku, quantity: 0 }]), 'items.0.quantity'],
      [orderBody([{ skuId: sku, quantity: -3 }]), 'items.0.quantity'],
      [orderBody([{ skuId: sku, quantity: 1.5 }]), 'items.0.quantity'],
      [orderBody([{ skuId: sku, quantity: 1000 }]), 'items.0.quantity'],
      [orderBody([{ skuId: sku, quantity: 1e12 }]), 'items.0.quantity'],
      [orderBody([{ skuId: sku, quantity: '2' }]), 'items.0.quantity'],
      [
        orderBody([
          { skuId: sku, quantity: 600 },
          { skuId: sku, quantity: 600 },
        ]),
        'items.0.quantity',
      ],
      [orderBody(Array.from({ length: 51 }, () => ({ skuId: sku, quantity: 1 }))), 'items'],
      [orderBody([{ skuId: 'not-an-id', quantity: 1 }]), 'items.0.skuId'],
      [orderBody([{ quantity: 1 }]), 'items.0.skuId'],
      [{ items: [{ skuId: sku, quantity: 1 }] }, 'contact'],
      [{ items: [{ skuId: sku, quantity: 1 }], contact: { name: '', phone: '13800138000' } }, 'contact.name'],
      [{ items: [{ skuId: sku, quantity: 1 }], contact: { name: 'A', phone: 'call me' } }, 'contact.phone'],
      [orderBody([{ skuId: sku, quantity: 1 }], { remark: 'r'.repeat(256) }), 'remark'],
    ];
    for (const [body, field] of cases) {
      const reply = await create(body);
      expectClientError(reply, 'VALIDATION_FAILED', body);
      expect(reply.body.details).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
    }
    expect(await snapshot()).toEqual(before);
  });

  it('refuses control characters and broken Unicode in contact names, addresses and remarks, storing nothing', async () => {
    const before = await snapshot();
    const contact = { name: 'Alice', phone: '13800138000', address: '1 Tea St' };
    const bodies = [
      { contact: { ...contact, name: 'Al\u0000ice' } },
      { contact: { ...contact, name: 'Al\u202eice' } },
      { contact: { ...contact, address: '1 Tea St\ud800' } },
      { contact: { ...contact, address: 'line\nbreak' } },
      { contact, remark: 'ring \u0007 twice' },
      { contact, remark: '\udfff' },
    ];
    for (const extra of bodies) expectClientError(await create({ items: [{ skuId: sku, quantity: 1 }], ...extra }), 'VALIDATION_FAILED', extra);
    expect(await snapshot()).toEqual(before);
    const multiline = await create({ items: [{ skuId: sku, quantity: 1 }], contact, remark: 'leave at the door\nthanks' });
    expect(multiline.status).toBe(201);
  });

  it('refuses prices, totals and other fields sent by the client; never uses them', async () => {
    const before = await snapshot();
    for (const body of [
      orderBody([{ skuId: sku, quantity: 1, priceFen: 1 }]),
      orderBody([{ skuId: sku, quantity: 1 }], { totalFen: 1 }),
      orderBody([{ skuId: sku, quantity: 1 }], { status: 'paid' }),
      orderBody([{ skuId: sku, quantity: 1 }], { userId: '01ARZ3NDEKTSV4RRFFQ69G5FAV' }),
      { ...orderBody([{ skuId: sku, quantity: 1 }]), contact: { name: 'A', phone: '13800138000', discountFen: 500 } },
    ]) {
      const reply = await create(body);
      expectClientError(reply, 'VALIDATION_FAILED', body);
    }
    expect(await snapshot()).toEqual(before);
    const honest = await create(orderBody([{ skuId: sku, quantity: 2 }]));
    expect(honest.body.totalFen).toBe(2000);
  });

  it('refuses more than is in stock with 409 INSUFFICIENT_STOCK and reserves nothing', async () => {
    const stock = await h.stockOf(sku);
    const before = await snapshot();
    const reply = await create(orderBody([{ skuId: sku, quantity: stock + 1 }]));
    expectClientError(reply, 'INSUFFICIENT_STOCK');
    expect(reply.status).toBe(409);
    expect(await snapshot()).toEqual(before);
  });

  it('answers malformed ids, cursors and filters with 400, and unknown or foreign orders with 404', async () => {
    const other = await h.login('someone-else');
    const theirs = (await requestJson(`${h.url}/api/orders`, { token: other.token, body: orderBody([{ skuId: sku, quantity: 1 }]) })).body;
    for (const path of [
      '/api/orders/not-an-id',
      '/api/orders?limit=0',
      '/api/orders?limit=101',
      '/api/orders?status=lost',
      '/api/orders?cursor=%27%3B--',
      '/api/orders?cursor=bm90LWFuLWlk',
    ]) {
      expectClientError(await requestJson(`${h.url}${path}`, { token: user.token }), 'VALIDATION_FAILED', path);
    }
    for (const path of [`/api/orders/${UNKNOWN_SKU}`, `/api/orders/${theirs.id}`]) {
      const reply = await requestJson(`${h.url}${path}`, { token: user.token });
      expectClientError(reply, 'ORDER_NOT_FOUND', path);
    }
    const before = await snapshot();
    for (const action of ['cancel', 'pay'])
      expectClientError(await requestJson(`${h.url}/api/orders/${theirs.id}/${action}`, { method: 'POST', token: user.token }), 'ORDER_NOT_FOUND', action);
    expect(await snapshot()).toEqual(before);
  });

  it('refuses malformed JSON, non-object bodies and non-JSON content', async () => {
    const before = await snapshot();
    for (const rawBody of ['{"items":', 'null', '[]', '"x"', '5']) {
      expectClientError(
        await requestJson(`${h.url}/api/orders`, { token: user.token, rawBody, headers: { 'content-type': 'application/json' } }),
        undefined,
        rawBody,
      );
    }
    expectClientError(
      await requestJson(`${h.url}/api/orders`, { token: user.token, rawBody: 'items=1', headers: { 'content-type': 'application/x-www-form-urlencoded' } }),
      'UNSUPPORTED_MEDIA_TYPE',
    );
    expect(await snapshot()).toEqual(before);
  });

  it('refuses bad bookings and bad slot queries', async () => {
    const resource = await requestJson(`${h.url}/api/appointments/admin/resources`, { token: h.staffToken, body: { name: 'Room', kind: 'room' } });
    const before = await snapshot();
    for (const body of [
      {},
      { slotId: 'nope', contact: { name: 'A', phone: '13800138000' } },
      { slotId: UNKNOWN_SKU },
      { slotId: UNKNOWN_SKU, contact: { name: 'A', phone: '13800138000', address: 'x' } },
      { slotId: UNKNOWN_SKU, contact: { name: 'A', phone: '13800138000' }, capacity: 100 },
    ]) {
      expectClientError(await requestJson(`${h.url}/api/appointments`, { token: user.token, body }), 'VALIDATION_FAILED', body);
    }
    for (const query of [
      '',
      `resourceId=${resource.body.id}`,
      `resourceId=${resource.body.id}&date=2026-13-40`,
      `resourceId=${resource.body.id}&date=tomorrow`,
      'resourceId=x&date=2026-01-01',
    ]) {
      expectClientError(await requestJson(`${h.url}/api/appointments/slots?${query}`), 'VALIDATION_FAILED', query);
    }
    expectClientError(await requestJson(`${h.url}/api/appointments/slots?resourceId=${UNKNOWN_SKU}&date=2026-01-01`), 'RESOURCE_NOT_FOUND');
    for (const body of [{ name: 'x' }, { name: '', kind: 'room' }, { name: 'x', kind: 'Room With Spaces' }, { name: 'x', kind: 'room', active: false }]) {
      expectClientError(await requestJson(`${h.url}/api/appointments/admin/resources`, { token: h.staffToken, body }), 'VALIDATION_FAILED', body);
    }
    for (const slot of [
      { startsAt: 'soon', endsAt: 'later', capacity: 1 },
      { startsAt: new Date(Date.now() + 3.6e6).toISOString(), endsAt: new Date(Date.now() + 7.2e6).toISOString(), capacity: 0 },
    ]) {
      expectClientError(
        await requestJson(`${h.url}/api/appointments/admin/slots`, { token: h.staffToken, body: { resourceId: resource.body.id, slots: [slot] } }),
        'VALIDATION_FAILED',
        slot,
      );
    }
    expect(await snapshot()).toEqual(before);
  });

  it('random JSON bodies (fast-check) to POST /api/orders: every reply a 4xx envelope, nothing stored', async () => {
    const before = await snapshot();
    const fields = ['items', 'contact', 'remark'];
    const json = fc.jsonValue({ maxDepth: 3 });
    const nearMiss = fc.record(
      {
        items: fc.oneof(
          json,
          fc.array(
            fc.record({ skuId: fc.oneof(fc.constant(sku), fc.string()), quantity: fc.oneof(fc.integer(), fc.double(), fc.string()) }, { requiredKeys: [] }),
          ),
        ),
        contact: json,
        remark: json,
        extra: json,
      },
      { requiredKeys: [] },
    );
    const isPlausible = (value: unknown) => {
      const body = value as Record<string, unknown>;
      if (typeof body !== 'object' || body === null || Array.isArray(body) || !Object.keys(body).every((key) => fields.includes(key))) return false;
      const contact = body.contact as Record<string, unknown> | undefined;
      return (
        Array.isArray(body.items) && typeof contact === 'object' && contact !== null && typeof contact.name === 'string' && typeof contact.phone === 'string'
      );
    };
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(json, nearMiss).filter((value) => !isPlausible(value)),
        async (value) => {
          expectClientError(
            await requestJson(`${h.url}/api/orders`, { token: user.token, rawBody: JSON.stringify(value), headers: { 'content-type': 'application/json' } }),
            undefined,
            value,
          );
        },
      ),
      { numRuns: 80 },
    );
    expect(await snapshot()).toEqual(before);
    expect(before.stock).toBeLessThanOrEqual(stockBefore);
  });
});
