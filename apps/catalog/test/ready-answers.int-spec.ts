import { request } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { requestJson, scrapeMetrics } from '#libs/testing';
import { CatalogHarness, seedProduct, startCatalogHarness } from './catalog-test-harness';

/** GET with the bytes as sent (fetch would decode a gzipped body). */
function raw(url: string, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }>((resolve, reject) => {
    request(url, { headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) }));
    })
      .on('error', reject)
      .end();
  });
}

describe('catalog answers held in the replica’s memory (real catalog, MariaDB, Redis, NATS)', () => {
  let catalog: CatalogHarness;
  beforeAll(async () => {
    catalog = await startCatalogHarness({ replicas: 2 });
  });
  afterAll(() => catalog.close());

  it('answers a remembered URL from memory with the same bytes, its own request id, metrics and gzip', async () => {
    // Over the 1 KiB compression threshold.
    const product = await seedProduct(catalog, { description: '明前采摘'.repeat(300) });
    const url = `${catalog.url}/api/catalog/products/${product.id}`;
    const first = await raw(url, { 'x-request-id': 'first-read' });
    const before = await scrapeMetrics(catalog.url);
    const second = await raw(url, { 'x-request-id': 'second-read' });
    const gzipped = await raw(url, { 'accept-encoding': 'gzip, deflate' });
    const refused = await raw(url, { 'accept-encoding': 'gzip;q=0' });
    const after = await scrapeMetrics(catalog.url);

    expect(second.status).toBe(200);
    expect(second.body.equals(first.body)).toBe(true);
    expect(second.headers['content-type']).toBe('application/json; charset=utf-8');
    expect([first.headers['x-request-id'], second.headers['x-request-id']]).toEqual(['first-read', 'second-read']);
    expect(gzipped.headers['content-encoding']).toBe('gzip');
    expect(gzipped.headers.vary).toMatch(/accept-encoding/i);
    expect(gunzipSync(gzipped.body).equals(first.body)).toBe(true);
    expect(refused.headers['content-encoding']).toBeUndefined();
    expect(refused.body.equals(first.body)).toBe(true);
    const moved = (name: string, labels: Record<string, string>) => after.value(name, labels) - before.value(name, labels);
    expect(moved('cache_reads_total', { outcome: 'local', namespace: 'product' })).toBe(3);
    expect(moved('http_request_duration_seconds_count', { route: '/api/catalog/products/:id', status_code: '200' })).toBe(3);
  });

  it('an edit through one replica is answered by both at once, the remembered URL included', async () => {
    const product = await seedProduct(catalog);
    const urls = catalog.replicas.map((replica) => `${replica.url}/api/catalog/products/${product.id}`);
    for (const url of [...urls, ...urls]) expect((await requestJson(url)).body.title).toBe('西湖龙井 Green Tea');
    const edit = await requestJson(`${catalog.replicas[1].url}/api/catalog/admin/products/${product.id}`, {
      method: 'PATCH',
      token: catalog.staffToken,
      body: { title: 'Edited' },
    });
    expect(edit.status).toBe(200);
    for (const url of urls) expect((await requestJson(url)).body.title).toBe('Edited');
  });

  it('a URL that failed validation or was not found is never remembered', async () => {
    for (let i = 0; i < 2; i++) {
      expect((await requestJson(`${catalog.url}/api/catalog/products?limit=101`)).body).toMatchObject({ statusCode: 400, code: 'VALIDATION_FAILED' });
      expect((await requestJson(`${catalog.url}/api/catalog/products/01J0000000000000000000000Z`)).body).toMatchObject({
        statusCode: 404,
        code: 'PRODUCT_NOT_FOUND',
      });
    }
  });

  it('a product taken off sale is 404 at once where its detail was remembered', async () => {
    const product = await seedProduct(catalog);
    const url = `${catalog.url}/api/catalog/products/${product.id}`;
    for (let i = 0; i < 2; i++) expect((await requestJson(url)).status).toBe(200);
    expect(
      (await requestJson(`${catalog.url}/api/catalog/admin/products/${product.id}`, { method: 'PATCH', token: catalog.staffToken, body: { onSale: false } }))
        .status,
    ).toBe(200);
    expect((await requestJson(url)).body).toMatchObject({ statusCode: 404, code: 'PRODUCT_NOT_FOUND' });
  });
});
