import { requestJson } from '#libs/testing';
import { CatalogHarness, seedProduct, startCatalogHarness } from './catalog-test-harness';

describe('catalog public read path (real MariaDB, Redis, NATS)', () => {
  let catalog: CatalogHarness;
  const get = (path: string) => requestJson(`${catalog.url}/api/catalog${path}`);
  const admin = (path: string, body?: unknown, method?: string) =>
    requestJson(`${catalog.url}/api/catalog/admin${path}`, { token: catalog.staffToken, body, method });

  beforeAll(async () => {
    catalog = await startCatalogHarness();
  });
  afterAll(() => catalog.close());

  it('serves a product with its SKUs, image URLs and prices in fen', async () => {
    const seeded = await seedProduct(catalog, { images: ['https://img.example/a.jpg', 'https://img.example/b.jpg'] });
    const detail = await get(`/products/${seeded.id}`);
    expect(detail.status).toBe(200);
    expect(detail.headers.get('content-type')).toMatch(/application\/json/);
    expect(detail.body).toMatchObject({
      id: seeded.id,
      title: '西湖龙井 Green Tea',
      priceFen: 8800,
      images: ['https://img.example/a.jpg', 'https://img.example/b.jpg'],
      skus: [
        { name: '250g', priceFen: 8800, stock: 50 },
        { name: '500g', priceFen: 16800, stock: 5 },
      ],
    });
  });

  it('answers 404 PRODUCT_NOT_FOUND for unknown and off-sale products, 400 for a malformed id', async () => {
    expect((await get('/products/01J0000000000000000000000Z')).body).toMatchObject({ statusCode: 404, code: 'PRODUCT_NOT_FOUND' });
    const hidden = await seedProduct(catalog, { onSale: false });
    expect((await get(`/products/${hidden.id}`)).body.code).toBe('PRODUCT_NOT_FOUND');
    expect((await get('/products/not-an-id')).status).toBe(400);
  });

  it('lists on-sale products newest first with cursors that stay stable under inserts', async () => {
    const category = await admin('/categories', { name: 'Paging' });
    const ids: string[] = [];
    for (let i = 0; i < 5; i++)
      ids.push((await admin('/products', { categoryId: category.body.id, title: `Item ${i}`, skus: [{ name: 'one', priceFen: 100 + i, stock: 1 }] })).body.id);
    const first = await get(`/products?categoryId=${category.body.id}&limit=2`);
    expect(first.body.items.map((item: { id: string }) => item.id)).toEqual([ids[4], ids[3]]);
    await admin('/products', { categoryId: category.body.id, title: 'Newer', skus: [{ name: 'one', priceFen: 1, stock: 1 }] });
    const second = await get(`/products?categoryId=${category.body.id}&limit=2&cursor=${first.body.nextCursor}`);
    expect(second.body.items.map((item: { id: string }) => item.id)).toEqual([ids[2], ids[1]]);
    const third = await get(`/products?categoryId=${category.body.id}&limit=2&cursor=${second.body.nextCursor}`);
    expect(third.body).toEqual({ items: [expect.objectContaining({ id: ids[0], priceFen: 100, title: 'Item 0' })], nextCursor: null });
  });

  it('includes subcategories when listing a category', async () => {
    const parent = await admin('/categories', { name: 'Parent' });
    const child = await admin('/categories', { name: 'Child', parentId: parent.body.id });
    const product = await admin('/products', { categoryId: child.body.id, title: 'In the child', skus: [{ name: 'x', priceFen: 5, stock: 1 }] });
    const list = await get(`/products?categoryId=${parent.body.id}`);
    expect(list.body.items.map((item: { id: string }) => item.id)).toContain(product.body.id);
    const tree = await get('/categories');
    const parentNode = tree.body.find((node: { id: string }) => node.id === parent.body.id);
    expect(parentNode.children).toEqual([{ id: child.body.id, name: 'Child', children: [] }]);
  });

  it('searches titles, Chinese and Latin, case-insensitively', async () => {
    const category = await admin('/categories', { name: 'Search' });
    const rice = await admin('/products', { categoryId: category.body.id, title: '东北有机大米 5kg', skus: [{ name: 'bag', priceFen: 6900, stock: 10 }] });
    const oolong = await admin('/products', { categoryId: category.body.id, title: 'Oolong Tea Premium', skus: [{ name: 'tin', priceFen: 9900, stock: 10 }] });
    const ids = async (q: string) => (await get(`/products?q=${encodeURIComponent(q)}`)).body.items.map((item: { id: string }) => item.id);
    expect(await ids('有机大米')).toEqual([rice.body.id]);
    expect(await ids('oolong tea')).toEqual([oolong.body.id]);
    expect(await ids('OOLONG')).toEqual([oolong.body.id]);
    expect(await ids('米')).toContain(rice.body.id);
    expect(await ids('咖啡')).toEqual([]);
  });

  it('refuses bad list parameters with 400 and the error envelope', async () => {
    for (const query of [
      'limit=101',
      'limit=0',
      'limit=abc',
      'cursor=%21%21',
      `cursor=${Buffer.from('nope').toString('base64url')}`,
      'categoryId=bad',
      'unknown=1',
      `q=${'x'.repeat(51)}`,
    ]) {
      const reply = await get(`/products?${query}`);
      expect([query, reply.status, reply.body.code]).toEqual([query, 400, 'VALIDATION_FAILED']);
    }
    expect((await get('/products?categoryId=01J0000000000000000000000Z')).body.code).toBe('CATEGORY_NOT_FOUND');
  });

  it('serves the home page in one call: banners, categories, featured products, latest articles', async () => {
    await admin('/banners', { title: 'Sale', image: 'https://img.example/sale.jpg', linkUrl: '/pages/sale/index' });
    const article = await admin('/articles', { title: 'How to brew', summary: 'Short', body: 'Long text' });
    const home = await get('/home');
    expect(home.status).toBe(200);
    expect(home.body.banners).toEqual([expect.objectContaining({ title: 'Sale', image: 'https://img.example/sale.jpg', linkUrl: '/pages/sale/index' })]);
    expect(home.body.categories.length).toBeGreaterThan(0);
    expect(home.body.featured.length).toBeGreaterThan(0);
    expect(home.body.articles[0]).toMatchObject({ id: article.body.id, title: 'How to brew' });
    const articles = await get('/articles?limit=1');
    expect(articles.body.items[0].id).toBe(article.body.id);
    expect((await get(`/articles/${article.body.id}`)).body.body).toBe('Long text');
    expect((await get('/articles/01J0000000000000000000000Z')).body.code).toBe('ARTICLE_NOT_FOUND');
  });
});
