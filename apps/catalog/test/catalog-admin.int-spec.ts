import fc from 'fast-check';
import { requestJson } from '#libs/testing';
import { CatalogHarness, seedProduct, startCatalogHarness } from './catalog-test-harness';

describe('catalog staff API and cache coherence across replicas', () => {
  let catalog: CatalogHarness;
  const [first, second] = [0, 1];
  const at = (replica: number, path: string) => `${catalog.replicas[replica].url}/api/catalog${path}`;

  beforeAll(async () => {
    catalog = await startCatalogHarness({ replicas: 2 });
  });
  afterAll(() => catalog.close());

  it('refuses anonymous callers (401) and mini-program users (403) on admin routes', async () => {
    expect((await requestJson(at(first, '/admin/categories'), { body: { name: 'x' } })).body.code).toBe('UNAUTHENTICATED');
    const user = await requestJson(at(first, '/admin/categories'), { token: catalog.userToken, body: { name: 'x' } });
    expect([user.status, user.body.code]).toEqual([403, 'FORBIDDEN']);
  });

  it('shows an edit made through one replica on the next read through the other, though both had it cached', async () => {
    const product = await seedProduct(catalog);
    for (const replica of [first, second]) expect((await requestJson(at(replica, `/products/${product.id}`))).body.title).toBe('西湖龙井 Green Tea');
    await requestJson(at(second, '/home'));
    const patched = await requestJson(at(first, `/admin/products/${product.id}`), { method: 'PATCH', token: catalog.staffToken, body: { title: 'Longjing' } });
    expect(patched.status).toBe(200);
    expect((await requestJson(at(second, `/products/${product.id}`))).body.title).toBe('Longjing');
    expect((await requestJson(at(second, '/home'))).body.featured.map((item: { title: string }) => item.title)).toContain('Longjing');
    const stock = await requestJson(at(first, `/admin/skus/${product.skus[0].id}/stock-adjustments`), { token: catalog.staffToken, body: { delta: -10 } });
    expect(stock.body.skus[0].stock).toBe(40);
    expect((await requestJson(at(second, `/products/${product.id}`))).body.skus[0].stock).toBe(40);
  });

  it('lists every product for staff, on sale or off, with its stock, by sale state, low stock, category and title', async () => {
    const onSale = await seedProduct(catalog, { title: 'Staff list Oolong' });
    const offSale = await seedProduct(catalog, { title: 'Staff list Puer', onSale: false, skus: [{ name: 'cake', priceFen: 5000, stock: 30 }] });
    const list = (query: string, token = catalog.staffToken) => requestJson(at(first, `/admin/products?${query}`), { token });
    const ids = async (query: string) => ((await list(query)).body.items as { id: string }[]).map((item) => item.id);

    const both = await list('q=Staff%20list&limit=100');
    expect(both.status).toBe(200);
    expect(both.body.items).toEqual([
      expect.objectContaining({ id: offSale.id, onSale: false, stock: 30, lowestSkuStock: 30, skuCount: 1, priceFen: 5000, createdAt: expect.any(String) }),
      expect.objectContaining({ id: onSale.id, onSale: true, featured: true, stock: 55, lowestSkuStock: 5, skuCount: 2, priceFen: 8800 }),
    ]);
    expect(await ids('q=Staff%20list&onSale=false')).toEqual([offSale.id]);
    expect(await ids('q=Staff%20list&onSale=true')).toEqual([onSale.id]);
    expect(await ids('q=Staff%20list&stockBelow=6')).toEqual([onSale.id]);
    expect(await ids('q=Staff%20list&stockBelow=5')).toEqual([]);
    expect(await ids(`categoryId=${offSale.categoryId}`)).toEqual([offSale.id]);
    // The public list never shows the product off sale.
    const publicIds = ((await requestJson(at(first, '/products?q=Staff%20list'))).body.items as { id: string }[]).map((item) => item.id);
    expect(publicIds).toEqual([onSale.id]);

    const firstPage = await list('q=Staff%20list&limit=1');
    expect(firstPage.body.nextCursor).toEqual(expect.any(String));
    expect(await ids(`q=Staff%20list&limit=1&cursor=${firstPage.body.nextCursor}`)).toEqual([onSale.id]);

    for (const query of ['onSale=yes', 'stockBelow=0', 'stockBelow=x', 'cursor=!!']) expect([query, (await list(query)).status]).toEqual([query, 400]);
    expect((await list('categoryId=01JD3QZ7X9V2W8K4M6N0P1R5ST')).body.code).toBe('CATEGORY_NOT_FOUND');
    expect((await list('', catalog.userToken)).status).toBe(403);
  });

  it('refuses negative prices and stock, unknown fields and wrong types with 400, and changes nothing', async () => {
    const product = await seedProduct(catalog);
    const bad = [
      { price: { name: 'x', priceFen: -1, stock: 1 } },
      { stock: { name: 'x', priceFen: 1, stock: -1 } },
      { float: { name: 'x', priceFen: 1.5, stock: 1 } },
      { extra: { name: 'x', priceFen: 1, stock: 1, discount: 5 } },
    ];
    for (const entry of bad) {
      const reply = await requestJson(at(first, `/admin/products/${product.id}/skus`), { token: catalog.staffToken, body: Object.values(entry)[0] });
      expect([Object.keys(entry)[0], reply.status, reply.body.code]).toEqual([Object.keys(entry)[0], 400, 'VALIDATION_FAILED']);
    }
    const below = await requestJson(at(first, `/admin/skus/${product.skus[1].id}/stock-adjustments`), { token: catalog.staffToken, body: { delta: -6 } });
    expect(below.body.code).toBe('INSUFFICIENT_STOCK');
    const detail = await requestJson(at(first, `/products/${product.id}`));
    expect(detail.body.skus).toEqual(product.skus);
  });

  it('refuses null for fields that cannot be null in every update, and changes nothing', async () => {
    const product = await seedProduct(catalog);
    const before = (await requestJson(at(first, `/products/${product.id}`))).body;
    const patches: [string, Record<string, unknown>][] = [
      [`/admin/products/${product.id}`, { title: null }],
      [`/admin/products/${product.id}`, { categoryId: null }],
      [`/admin/products/${product.id}`, { onSale: null }],
      [`/admin/products/${product.id}`, { images: null }],
      [`/admin/skus/${product.skus[0].id}`, { priceFen: null }],
      [`/admin/skus/${product.skus[0].id}`, { stock: null }],
      [`/admin/skus/${product.skus[0].id}`, { name: null }],
    ];
    for (const [path, body] of patches) {
      const reply = await requestJson(at(first, path), { method: 'PATCH', token: catalog.staffToken, body });
      expect([path, body, reply.status, reply.body.code]).toEqual([path, body, 400, 'VALIDATION_FAILED']);
    }
    expect((await requestJson(at(first, `/products/${product.id}`))).body).toEqual(before);
  });

  it('never stores a product from random bodies: every bad body is a 4xx envelope', async () => {
    const before = (await requestJson(at(first, '/products?limit=100'))).body.items.length;
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.anything(), fc.record({ title: fc.anything(), skus: fc.anything(), categoryId: fc.anything() })), async (body) => {
        const reply = await requestJson(at(first, '/admin/products'), { token: catalog.staffToken, rawBody: JSON.stringify(body) ?? 'null' });
        expect(reply.status).toBeGreaterThanOrEqual(400);
        expect(reply.status).toBeLessThan(500);
        expect(reply.body).toEqual(expect.objectContaining({ statusCode: reply.status, code: expect.any(String), requestId: expect.any(String) }));
        expect(JSON.stringify(reply.body)).not.toMatch(/SELECT|INSERT|at \w+ \(|\/work\/|node_modules/);
      }),
      { numRuns: 60 },
    );
    expect((await requestJson(at(first, '/products?limit=100'))).body.items.length).toBe(before);
  });

  it('keeps the category tree sound: no cycles, no deleting a category in use', async () => {
    const parent = await requestJson(at(first, '/admin/categories'), { token: catalog.staffToken, body: { name: 'A' } });
    const child = await requestJson(at(first, '/admin/categories'), { token: catalog.staffToken, body: { name: 'B', parentId: parent.body.id } });
    expect(child.body).toEqual({
      id: expect.any(String),
      parentId: parent.body.id,
      name: 'B',
      sortOrder: 0,
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT[\d:.]+Z$/),
      updatedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT[\d:.]+Z$/),
    });
    const cycle = await requestJson(at(first, `/admin/categories/${parent.body.id}`), {
      method: 'PATCH',
      token: catalog.staffToken,
      body: { parentId: child.body.id },
    });
    expect([cycle.status, cycle.body.code]).toEqual([409, 'CONFLICT']);
    const inUse = await requestJson(at(first, `/admin/categories/${parent.body.id}`), { method: 'DELETE', token: catalog.staffToken });
    expect(inUse.status).toBe(409);
    expect((await requestJson(at(first, `/admin/categories/${child.body.id}`), { method: 'DELETE', token: catalog.staffToken })).status).toBe(204);
    expect((await requestJson(at(second, '/categories'))).body.find((node: { id: string }) => node.id === parent.body.id).children).toEqual([]);
  });

  it('removes products, articles and banners from every replica when deleted', async () => {
    const product = await seedProduct(catalog);
    await requestJson(at(second, `/products/${product.id}`));
    expect((await requestJson(at(first, `/admin/products/${product.id}`), { method: 'DELETE', token: catalog.staffToken })).status).toBe(204);
    expect((await requestJson(at(second, `/products/${product.id}`))).body.code).toBe('PRODUCT_NOT_FOUND');
    const banner = await requestJson(at(first, '/admin/banners'), {
      token: catalog.staffToken,
      body: { title: 'Gone soon', image: 'https://img.example/x.jpg' },
    });
    expect((await requestJson(at(second, '/home'))).body.banners.map((b: { id: string }) => b.id)).toContain(banner.body.id);
    await requestJson(at(first, `/admin/banners/${banner.body.id}`), { method: 'DELETE', token: catalog.staffToken });
    expect((await requestJson(at(second, '/home'))).body.banners.map((b: { id: string }) => b.id)).not.toContain(banner.body.id);
  });

  it('lists drafts and inactive banners for staff only; users see neither', async () => {
    const staff = (path: string, body?: unknown) =>
      requestJson(at(first, `/admin${path}`), { token: catalog.staffToken, ...(body === undefined ? {} : { body }) });
    const draft = await staff('/articles', { title: 'Staff draft', body: 'Not yet', published: false });
    const published = await staff('/articles', { title: 'Staff published', body: 'Out now' });
    const hidden = await staff('/banners', { title: 'Staff hidden', image: 'https://img.example/h.jpg', active: false, sortOrder: 3 });
    expect([draft.status, published.status, hidden.status]).toEqual([201, 201, 201]);
    expect(draft.body).toMatchObject({ published: false, body: 'Not yet' });

    const listed = (await staff('/articles?limit=100')).body.items as { id: string; published: boolean; body?: string }[];
    expect(listed.find((row) => row.id === draft.body.id)).toMatchObject({ published: false, title: 'Staff draft' });
    expect(listed.find((row) => row.id === published.body.id)).toMatchObject({ published: true });
    expect(listed.every((row) => row.body === undefined)).toBe(true);
    expect((await staff(`/articles/${draft.body.id}`)).body).toMatchObject({ id: draft.body.id, body: 'Not yet', published: false });
    expect((await staff('/banners')).body.items).toContainEqual(expect.objectContaining({ id: hidden.body.id, active: false, sortOrder: 3 }));

    expect((await requestJson(at(first, `/articles/${draft.body.id}`))).body.code).toBe('ARTICLE_NOT_FOUND');
    const publicIds = ((await requestJson(at(first, '/articles?limit=100'))).body.items as { id: string }[]).map((row) => row.id);
    expect([publicIds.includes(draft.body.id), publicIds.includes(published.body.id)]).toEqual([false, true]);
    expect((await requestJson(at(first, '/home'))).body.banners.map((b: { id: string }) => b.id)).not.toContain(hidden.body.id);
    for (const path of ['/admin/articles', `/admin/articles/${draft.body.id}`, '/admin/banners']) {
      expect([path, (await requestJson(at(first, path), { token: catalog.userToken })).status]).toEqual([path, 403]);
    }
    expect((await staff('/articles/01HZ0000000000000000000000')).body.code).toBe('ARTICLE_NOT_FOUND');
    expect((await staff('/articles?cursor=!!')).status).toBe(400);
  });
});
