import { ClientProxy, ClientProxyFactory, Transport } from '@nestjs/microservices';
import { firstValueFrom } from 'rxjs';
import { CATALOG_MESSAGES, StockReservation } from '#libs/contracts';
import { newId } from '#libs/database';
import { requestJson } from '#libs/testing';
import { CatalogHarness, seedProduct, startCatalogHarness } from './catalog-test-harness';

describe('stock over the bus: reserve, release, confirm (2 replicas in one queue group)', () => {
  let catalog: CatalogHarness;
  let client: ClientProxy;
  const send = <T>(pattern: string, payload: unknown) => firstValueFrom(client.send<T>(pattern, payload));
  const stockOf = async (productId: string, skuIndex = 0) =>
    (await requestJson(`${catalog.url}/api/catalog/admin/products/${productId}`, { token: catalog.staffToken })).body.skus[skuIndex].stock;

  beforeAll(async () => {
    catalog = await startCatalogHarness({ replicas: 2 });
    client = ClientProxyFactory.create({ transport: Transport.NATS, options: { servers: [catalog.natsUrl] } });
    await client.connect();
  });
  afterAll(async () => {
    await client.close();
    await catalog.close();
  });

  it('200 concurrent reservations of one unit for 50 in stock reserve exactly 50', async () => {
    const product = await seedProduct(catalog);
    const skuId = product.skus[0].id;
    const outcomes = await Promise.allSettled(
      Array.from({ length: 200 }, () => send<StockReservation>(CATALOG_MESSAGES.reserveStock, { orderId: newId(), lines: [{ skuId, quantity: 1 }] })),
    );
    const reserved = outcomes.filter((outcome) => outcome.status === 'fulfilled');
    const refused = outcomes.filter((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
    expect(new Set(refused.map((outcome) => outcome.reason.code ?? outcome.reason.message ?? String(outcome.reason)))).toEqual(new Set(['INSUFFICIENT_STOCK']));
    expect(reserved).toHaveLength(50);
    expect(await stockOf(product.id)).toBe(0);
  });

  it('is idempotent per order: a repeated reserve, release or confirm changes stock once', async () => {
    const product = await seedProduct(catalog);
    const skuId = product.skus[0].id;
    const orderId = newId();
    const reserve = () => send<StockReservation>(CATALOG_MESSAGES.reserveStock, { orderId, lines: [{ skuId, quantity: 3 }] });
    const replies = await Promise.all([reserve(), reserve(), reserve()]);
    expect(replies.map((reply) => reply.status)).toEqual(['reserved', 'reserved', 'reserved']);
    expect(await stockOf(product.id)).toBe(47);
    const released = await Promise.all([1, 2, 3].map(() => send<StockReservation>(CATALOG_MESSAGES.releaseStock, { orderId })));
    expect(released.map((reply) => reply.status)).toEqual(['released', 'released', 'released']);
    expect(await stockOf(product.id)).toBe(50);
    expect((await reserve()).status).toBe('released');
    expect(await stockOf(product.id)).toBe(50);
  });

  it('confirms a reservation as sold; releasing a sold order returns its stock once', async () => {
    const product = await seedProduct(catalog);
    const orderId = newId();
    await send(CATALOG_MESSAGES.reserveStock, { orderId, lines: [{ skuId: product.skus[0].id, quantity: 2 }] });
    expect((await send<StockReservation>(CATALOG_MESSAGES.confirmStock, { orderId })).status).toBe('confirmed');
    expect((await send<StockReservation>(CATALOG_MESSAGES.confirmStock, { orderId })).status).toBe('confirmed');
    expect(await stockOf(product.id)).toBe(48);
    await send(CATALOG_MESSAGES.releaseStock, { orderId });
    expect(await stockOf(product.id)).toBe(50);
  });

  it('reserves all lines or none, and refuses unknown or off-sale SKUs', async () => {
    const product = await seedProduct(catalog);
    const [plenty, scarce] = product.skus;
    const refusal = send(CATALOG_MESSAGES.reserveStock, {
      orderId: newId(),
      lines: [
        { skuId: plenty.id, quantity: 2 },
        { skuId: scarce.id, quantity: 6 },
      ],
    });
    await expect(refusal).rejects.toMatchObject({ code: 'INSUFFICIENT_STOCK' });
    expect([await stockOf(product.id, 0), await stockOf(product.id, 1)]).toEqual([50, 5]);
    await expect(send(CATALOG_MESSAGES.reserveStock, { orderId: newId(), lines: [{ skuId: newId(), quantity: 1 }] })).rejects.toMatchObject({
      code: 'SKU_NOT_FOUND',
    });
    await expect(send(CATALOG_MESSAGES.reserveStock, { orderId: newId(), lines: [{ skuId: plenty.id, quantity: 0 }] })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
    const hidden = await seedProduct(catalog, { onSale: false });
    await expect(send(CATALOG_MESSAGES.reserveStock, { orderId: newId(), lines: [{ skuId: hidden.skus[0].id, quantity: 1 }] })).rejects.toMatchObject({
      code: 'SKU_NOT_FOUND',
    });
  });

  it('gives orders the price and name snapshot of SKUs', async () => {
    const product = await seedProduct(catalog);
    const snapshots = await send<unknown[]>(CATALOG_MESSAGES.getSkus, { skuIds: [product.skus[1].id, newId()] });
    expect(snapshots).toEqual([
      {
        skuId: product.skus[1].id,
        productId: product.id,
        categoryId: product.categoryId,
        productTitle: '西湖龙井 Green Tea',
        skuName: '500g',
        priceFen: 16800,
        stock: 5,
        onSale: true,
        imageUrl: 'https://img.example/tea.jpg',
      },
    ]);
  });
});

describe('bus messages are not rate-limited: the limits are per HTTP client', () => {
  let catalog: CatalogHarness;
  let client: ClientProxy;

  beforeAll(async () => {
    catalog = await startCatalogHarness({ env: { THROTTLE_LIMIT: '3' } });
    client = ClientProxyFactory.create({ transport: Transport.NATS, options: { servers: [catalog.natsUrl] } });
    await client.connect();
  });
  afterAll(async () => {
    await client.close();
    await catalog.close();
  });

  it('answers every message from the orders service, while HTTP clients past the limit get 429', async () => {
    const product = await seedProduct(catalog);
    const skuId = product.skus[0].id;
    for (let i = 0; i < 10; i++) {
      const snapshots = await firstValueFrom(client.send<{ skuId: string }[]>(CATALOG_MESSAGES.getSkus, { skuIds: [skuId] }));
      expect(snapshots.map((snapshot) => snapshot.skuId)).toEqual([skuId]);
    }
    const reservation = await firstValueFrom(
      client.send<StockReservation>(CATALOG_MESSAGES.reserveStock, { orderId: newId(), lines: [{ skuId, quantity: 1 }] }),
    );
    expect(reservation.status).toBe('reserved');
    // The limit counts per client and route: 3 reads of a product, then 429.
    const read = () => requestJson(`${catalog.url}/api/catalog/admin/products/${product.id}`, { token: catalog.staffToken });
    for (let i = 0; i < 3; i++) expect((await read()).status).toBe(200);
    expect((await read()).status).toBe(429);
  });
});
