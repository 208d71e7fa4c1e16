import SwaggerParser from '@apidevtools/swagger-parser';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { jpeg, multipartBody, wxUploadBody } from '../../apps/upload/test/upload-fixtures';
import { businessDay } from '#libs/testing';
import { LocalCluster } from '../../tools/stack/local-cluster';
import { createTestCluster, sleep } from '../cluster/cluster-fixture';
import { ContractClient } from './contract-client';
import { OpenApiDocument, OpenApiValidator, UNROUTED } from './openapi-validator';

const DOCUMENT_FILE = join(__dirname, '../../docs/openapi.json');
const STAFF = { username: 'admin', password: 'a-long-password' };
const MISSING_ID = '01JDQ8Z6Y3B4C5D6E7F8G9H0JK';
const CONTACT = { name: 'Alice', phone: '13800138000', address: '1 Tea St' };

/** Polls `check` every 150 ms until it answers true. */
async function until(check: () => Promise<boolean>, timeoutMs = 15000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(150);
  }
}

/** A YYYY-MM-DD day in the business's calendar (Asia/Shanghai), `days` from now. */

describe('API contract: the flows of the README through the load balancer, every response validated against docs/openapi.json', () => {
  const document = JSON.parse(readFileSync(DOCUMENT_FILE, 'utf8')) as OpenApiDocument;
  const validator = new OpenApiValidator(document);
  let cluster: LocalCluster;
  const api = new ContractClient(() => cluster.publicUrl, validator);
  const started = Date.now();
  let alice: { accessToken: string; refreshToken: string; user: { id: string } };
  let bob: { accessToken: string };
  let staff: string;
  const login = async (code: string) => {
    const reply = await api.post('/api/auth/wechat/login', { json: { code } });
    expect(reply.status).toBe(200);
    return reply.body as { accessToken: string; refreshToken: string; user: { id: string } };
  };

  beforeAll(async () => {
    cluster = createTestCluster(
      { auth: 1, catalog: 1, orders: 1, upload: 1 },
      { ADMIN_BOOTSTRAP_USERNAME: STAFF.username, ADMIN_BOOTSTRAP_PASSWORD: STAFF.password },
    );
    await cluster.start();
  }, 120000);
  afterAll(() => cluster?.stop(), 60000);

  it('the validator refuses an undeclared status, an unlisted code, an undeclared field and an unknown operation', () => {
    // A validator of its own, so that these do not count.
    const own = new OpenApiValidator(document);
    const check =
      (status: number, body: unknown, url = `/api/orders/${MISSING_ID}`) =>
      () =>
        own.validate({ method: 'GET', url, status, contentType: 'application/json', body });
    const envelope = { statusCode: 404, code: 'ORDER_NOT_FOUND', message: 'Order not found', requestId: 'r1' };
    expect(check(404, envelope)).not.toThrow();
    expect(check(418, envelope)).toThrow(/status 418 is not declared for GET \/api\/orders\/\{id\}/);
    expect(check(404, { ...envelope, code: 'SKU_NOT_FOUND' })).toThrow(/code SKU_NOT_FOUND is not one GET \/api\/orders\/\{id\} lists for 404/);
    expect(check(404, { ...envelope, stack: 'at x' })).toThrow(/must NOT have additional properties/);
    expect(check(200, { items: [], nextCursor: null, total: 0 }, '/api/orders')).toThrow(/additional properties/);
    expect(check(200, {}, '/api/nowhere')).toThrow(/no operation of the document matches/);
    expect(own.findOperation('GET', '/api/orders/admin?status=paid')).toBe('GET /api/orders/admin');
    expect(own.findOperation('GET', `/api/orders/${MISSING_ID}`)).toBe('GET /api/orders/{id}');
    expect(own.total).toBe(1);
  });

  it('serves the same document at GET /api/docs/openapi.json, a valid OpenAPI 3.1 document', async () => {
    const served = await fetch(`${cluster.publicUrl}/api/docs/openapi.json`);
    expect(served.status).toBe(200);
    expect(served.headers.get('content-type')).toMatch(/^application\/json/);
    const body: unknown = await served.json();
    expect(body).toEqual(document);
    await expect(SwaggerParser.validate(structuredClone(body) as never)).resolves.toMatchObject({ openapi: '3.1.0' });
  });

  it('serves Swagger UI at GET /api/docs with every asset from the same origin', async () => {
    const page = await fetch(`${cluster.publicUrl}/api/docs`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await page.text();
    const references = [...html.matchAll(/\b(?:src|href)\s*=\s*["']([^"']+)["']/gi)].map((match) => match[1]);
    expect(references.length).toBeGreaterThan(0);
    const origin = new URL(cluster.publicUrl).origin;
    for (const reference of references) {
      const url = new URL(reference, page.url);
      expect({ reference, origin: url.origin }).toEqual({ reference, origin });
      const asset = await fetch(url);
      expect({ reference, status: asset.status }).toEqual({ reference, status: 200 });
      await asset.arrayBuffer();
    }
    const bundle = await fetch(`${cluster.publicUrl}/api/docs/swagger-ui-bundle.js`);
    expect(bundle.status).toBe(200);
    expect(bundle.headers.get('content-type')).toMatch(/javascript/);
    expect((await bundle.arrayBuffer()).byteLength).toBeGreaterThan(100000);
  });

  it('shows every operation in a real browser (Chromium) at /api/docs, loading nothing from another origin', async () => {
    const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
    try {
      const page = await browser.newPage();
      const origin = new URL(cluster.publicUrl).origin;
      const elsewhere: string[] = [];
      page.on('request', (request) => {
        if (!request.url().startsWith(origin) && !request.url().startsWith('data:')) elsewhere.push(request.url());
      });
      await page.goto(`${cluster.publicUrl}/api/docs`);
      const operations = Object.values(document.paths).flatMap((item) => Object.keys(item)).length;
      await page.waitForFunction(`document.querySelectorAll('.opblock').length === ${operations}`, undefined, { timeout: 20000 });
      expect(await page.locator('.opblock-summary-path').first().textContent()).toMatch(/^\/api\//);
      expect(await page.title()).toBe((document as unknown as { info: { title: string } }).info.title);
      expect(elsewhere).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 60000);

  it('auth: login, refresh, profile, phone, staff login and staff accounts, with their errors', async () => {
    alice = await login('test:alice');
    bob = await login('test:bob');
    const refreshed = await api.post('/api/auth/refresh', { json: { refreshToken: alice.refreshToken } });
    expect(refreshed.status).toBe(200);
    // The rotated token again: reuse revokes the session (alice goes on with the new pair's session).
    const reused = await api.post('/api/auth/refresh', { json: { refreshToken: alice.refreshToken } });
    expect(reused.status).toBe(401);
    alice = await login('2:alice');
    expect((await api.post('/api/auth/refresh', { json: { refreshToken: 'not-a-refresh-token' } })).status).toBe(401);
    expect((await api.post('/api/auth/refresh', { json: { refreshToken: alice.refreshToken, extra: 1 } })).status).toBe(400);
    expect((await api.post('/api/auth/wechat/login', { json: { code: 'invalid-code' } })).status).toBe(400);
    expect((await api.post('/api/auth/wechat/login', { raw: '{"code":', contentType: 'application/json' })).status).toBe(400);
    expect((await api.post('/api/auth/wechat/login', { raw: 'code=x', contentType: 'text/plain' })).status).toBe(415);

    const token = alice.accessToken;
    const me = await api.get('/api/auth/me', { token });
    expect(me.status).toBe(200);
    expect((await api.get('/api/auth/me')).status).toBe(401);
    expect((await api.get('/api/auth/me', { token: 'not.a.jwt' })).status).toBe(401);
    expect((await api.patch('/api/auth/me', { token, json: { nickname: 'Alice' } })).body).toMatchObject({ nickname: 'Alice' });
    expect((await api.patch('/api/auth/me', { token, json: { nickname: 'Alice', role: 'admin' } })).status).toBe(400);
    expect((await api.patch('/api/auth/me', { token, json: { nickname: 'a forbidden-word here' } })).body.code).toBe('CONTENT_REJECTED');
    expect((await api.patch('/api/auth/me', { token, json: { avatarUploadId: MISSING_ID } })).status).toBe(404);
    expect((await api.post('/api/auth/phone', { token, json: { code: 'phone:13800138000' } })).status).toBe(200);
    expect((await api.post('/api/auth/phone', { token, json: { code: 'nonsense' } })).status).toBe(400);

    const staffLogin = await api.post('/api/auth/admin/login', { json: STAFF });
    expect(staffLogin.status).toBe(200);
    staff = staffLogin.body.accessToken as string;
    expect((await api.post('/api/auth/admin/login', { json: { ...STAFF, password: 'wrong-password-1' } })).status).toBe(401);
    expect((await api.get('/api/auth/admin/staff', { token: staff })).status).toBe(200);
    expect((await api.get('/api/auth/admin/staff', { token })).status).toBe(403);
    const account = { username: `clerk${Date.now() % 100000}`, password: 'another-long-password', role: 'staff' };
    const created = await api.post('/api/auth/admin/staff', { token: staff, json: account });
    expect(created.status).toBe(201);
    expect((await api.post('/api/auth/admin/staff', { token: staff, json: account })).status).toBe(409);
    expect((await api.delete(`/api/auth/admin/staff/${created.body.id}`, { token: staff })).status).toBe(204);
    expect((await api.delete(`/api/auth/admin/staff/${MISSING_ID}`, { token: staff })).status).toBe(404);
    expect((await api.delete('/api/auth/admin/staff/not-an-id', { token: staff })).status).toBe(400);

    // Repeated failures lock a username: 429 LOGIN_LOCKED with Retry-After, as the document says.
    let locked;
    for (let attempt = 0; attempt < 8 && locked?.status !== 429; attempt++) {
      locked = await api.post('/api/auth/admin/login', { json: { username: 'nobody', password: 'wrong-password-1' } });
    }
    expect(locked?.body.code).toBe('LOGIN_LOCKED');
    expect(Number(locked?.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('refuses what no route accepts: a body over the limit, nesting too deep, wrong types and null', async () => {
    expect((await api.post('/api/auth/wechat/login', { json: { code: 'x'.repeat(1100000) } })).status).toBe(413);
    let nested: unknown = 'x';
    for (let depth = 0; depth < 20; depth++) nested = { a: nested };
    expect((await api.post('/api/auth/wechat/login', { json: { code: nested } })).status).toBe(400);
    expect((await api.post('/api/auth/refresh', { json: { refreshToken: 42 } })).status).toBe(400);
    expect((await api.post('/api/auth/refresh', { json: { refreshToken: null } })).status).toBe(400);
    // Not here: headers over HAProxy's ~15 kB buffer get HAProxy 2.6's built-in HTML 400, not the documented 431
    // (a known limit, deploy/haproxy/README.md; tools/haproxy/haproxy.int-spec.ts pins it).
  });

  let productId: string;
  let skuId: string;
  let categoryId: string;
  it('catalog: staff edits (categories, products, SKUs, stock, articles, banners) and the public reads, with their errors', async () => {
    const token = staff;
    const parent = await api.post('/api/catalog/admin/categories', { token, json: { name: 'Tea', sortOrder: 1 } });
    expect(parent.status).toBe(201);
    categoryId = parent.body.id as string;
    const child = await api.post('/api/catalog/admin/categories', { token, json: { name: 'Green tea', parentId: categoryId } });
    expect(child.status).toBe(201);
    expect((await api.patch(`/api/catalog/admin/categories/${child.body.id}`, { token, json: { name: 'Green teas', sortOrder: 2 } })).status).toBe(200);
    expect((await api.patch(`/api/catalog/admin/categories/${categoryId}`, { token, json: { parentId: child.body.id } })).status).toBe(409);
    expect((await api.patch(`/api/catalog/admin/categories/${MISSING_ID}`, { token, json: { name: 'x' } })).status).toBe(404);
    expect((await api.post('/api/catalog/admin/categories', { token, json: { name: 'x', parentId: MISSING_ID } })).status).toBe(404);
    expect((await api.post('/api/catalog/admin/categories', { token, json: { name: 'x', colour: 'red' } })).status).toBe(400);
    expect((await api.post('/api/catalog/admin/categories', { token: alice.accessToken, json: { name: 'x' } })).status).toBe(403);
    expect((await api.post('/api/catalog/admin/categories', { json: { name: 'x' } })).status).toBe(401);

    const product = await api.post('/api/catalog/admin/products', {
      token,
      json: {
        categoryId: child.body.id,
        title: '有机 West Lake Longjing',
        subtitle: 'Spring harvest',
        description: 'Line one\nline two',
        images: ['https://img.example/longjing.jpg'],
        featured: true,
        skus: [
          { name: '250 g', priceFen: 1990, stock: 50 },
          { name: '500 g', priceFen: 3590, stock: 20 },
        ],
      },
    });
    expect(product.status).toBe(201);
    productId = product.body.id as string;
    skuId = product.body.skus[0].id as string;
    expect((await api.post('/api/catalog/admin/products', { token, json: { ...product.body, skus: [] } })).status).toBe(400);
    expect((await api.get(`/api/catalog/admin/products/${productId}`, { token })).status).toBe(200);
    expect((await api.get(`/api/catalog/admin/products/${MISSING_ID}`, { token })).status).toBe(404);
    expect((await api.patch(`/api/catalog/admin/products/${productId}`, { token, json: { title: '有机 Longjing' } })).status).toBe(200);
    expect((await api.patch(`/api/catalog/admin/products/${productId}`, { token, json: { categoryId: MISSING_ID } })).status).toBe(404);
    const withSku = await api.post(`/api/catalog/admin/products/${productId}/skus`, { token, json: { name: '1 kg', priceFen: 6990, stock: 5 } });
    expect(withSku.status).toBe(201);
    const extraSku = (withSku.body.skus as { id: string; name: string }[]).find((sku) => sku.name === '1 kg')!.id;
    expect((await api.patch(`/api/catalog/admin/skus/${extraSku}`, { token, json: { priceFen: 6500 } })).status).toBe(200);
    expect((await api.patch(`/api/catalog/admin/skus/${MISSING_ID}`, { token, json: { priceFen: 1 } })).status).toBe(404);
    expect((await api.post(`/api/catalog/admin/skus/${skuId}/stock-adjustments`, { token, json: { delta: 20 } })).status).toBe(200);
    expect((await api.post(`/api/catalog/admin/skus/${skuId}/stock-adjustments`, { token, json: { delta: -100000 } })).status).toBe(409);
    expect((await api.post(`/api/catalog/admin/skus/${skuId}/stock-adjustments`, { token, json: { delta: 0 } })).status).toBe(400);
    expect((await api.delete(`/api/catalog/admin/skus/${extraSku}`, { token })).status).toBe(204);
    expect((await api.delete(`/api/catalog/admin/skus/${MISSING_ID}`, { token })).status).toBe(404);

    // A product with one SKU: its last SKU cannot go; the product itself can.
    const single = await api.post('/api/catalog/admin/products', {
      token,
      json: { categoryId, title: 'Single', skus: [{ name: 'one', priceFen: 100, stock: 1 }] },
    });
    expect(single.status).toBe(201);
    expect((await api.delete(`/api/catalog/admin/skus/${single.body.skus[0].id}`, { token })).status).toBe(409);
    expect((await api.delete(`/api/catalog/admin/products/${single.body.id}`, { token })).status).toBe(204);
    expect((await api.delete(`/api/catalog/admin/products/${single.body.id}`, { token })).status).toBe(404);
    // A category with products cannot go.
    expect((await api.delete(`/api/catalog/admin/categories/${child.body.id}`, { token })).status).toBe(409);
    const empty = await api.post('/api/catalog/admin/categories', { token, json: { name: 'Empty' } });
    expect((await api.delete(`/api/catalog/admin/categories/${empty.body.id}`, { token })).status).toBe(204);
    expect((await api.delete(`/api/catalog/admin/categories/${empty.body.id}`, { token })).status).toBe(404);

    const article = await api.post('/api/catalog/admin/articles', {
      token,
      json: { title: 'How to brew green tea', summary: 'Water at 80 °C', body: 'Three minutes.\nNo more.', coverImage: 'https://img.example/a.jpg' },
    });
    expect(article.status).toBe(201);
    expect((await api.patch(`/api/catalog/admin/articles/${article.body.id}`, { token, json: { summary: 'Water at 80 °C, three minutes.' } })).status).toBe(
      200,
    );
    expect((await api.patch(`/api/catalog/admin/articles/${MISSING_ID}`, { token, json: { title: 'x' } })).status).toBe(404);
    expect((await api.post('/api/catalog/admin/articles', { token, json: { title: 't', body: 'b', coverImage: MISSING_ID } })).status).toBe(404);
    const banner = await api.post('/api/catalog/admin/banners', {
      token,
      json: { title: 'Spring tea is here', image: 'https://img.example/b.jpg', linkUrl: `/pages/product/index?id=${productId}` },
    });
    expect(banner.status).toBe(201);
    expect((await api.patch(`/api/catalog/admin/banners/${banner.body.id}`, { token, json: { sortOrder: 3, active: true } })).status).toBe(200);
    expect((await api.patch(`/api/catalog/admin/banners/${MISSING_ID}`, { token, json: { sortOrder: 3 } })).status).toBe(404);
    expect((await api.post('/api/catalog/admin/banners', { token, json: { title: 't', image: MISSING_ID } })).status).toBe(404);
    // The staff's lists: drafts and inactive banners too.
    expect((await api.get('/api/catalog/admin/articles?limit=5', { token })).body.items).toContainEqual(
      expect.objectContaining({ id: article.body.id, published: true }),
    );
    expect((await api.get(`/api/catalog/admin/articles/${article.body.id}`, { token })).status).toBe(200);
    expect((await api.get(`/api/catalog/admin/articles/${MISSING_ID}`, { token })).status).toBe(404);
    expect((await api.get('/api/catalog/admin/banners', { token })).body.items).toContainEqual(expect.objectContaining({ id: banner.body.id, sortOrder: 3 }));

    // Public reads, through the cache.
    const home = await api.get('/api/catalog/home');
    expect(home.status).toBe(200);
    expect(home.body.banners).toHaveLength(1);
    expect((await api.get('/api/catalog/categories')).status).toBe(200);
    const search = await api.get(`/api/catalog/products?q=${encodeURIComponent('有机')}&limit=5`);
    expect(search.body.items.map((item: { id: string }) => item.id)).toEqual([productId]);
    expect((await api.get(`/api/catalog/products?categoryId=${categoryId}`)).body.items).toHaveLength(1);
    expect((await api.get(`/api/catalog/products?categoryId=${MISSING_ID}`)).status).toBe(404);
    expect((await api.get('/api/catalog/products?limit=1000')).status).toBe(400);
    expect((await api.get('/api/catalog/products?limit=abc')).status).toBe(400);
    expect((await api.get('/api/catalog/products?categoryId=bad')).status).toBe(400);
    expect((await api.get('/api/catalog/products?cursor=%ZZ')).status).toBe(400);
    expect((await api.get(`/api/catalog/products/${productId}`)).body.skus).toHaveLength(2);
    expect((await api.get(`/api/catalog/products/${MISSING_ID}`)).status).toBe(404);
    expect((await api.get('/api/catalog/products/not-an-id')).status).toBe(400);
    const articles = await api.get('/api/catalog/articles?limit=10');
    expect(articles.body.items).toHaveLength(1);
    expect((await api.get(`/api/catalog/articles/${article.body.id}`)).status).toBe(200);
    expect((await api.get(`/api/catalog/articles/${MISSING_ID}`)).status).toBe(404);

    expect((await api.delete(`/api/catalog/admin/articles/${article.body.id}`, { token })).status).toBe(204);
    expect((await api.delete(`/api/catalog/admin/articles/${article.body.id}`, { token })).status).toBe(404);
    expect((await api.delete(`/api/catalog/admin/banners/${banner.body.id}`, { token })).status).toBe(204);
    expect((await api.delete(`/api/catalog/admin/banners/${banner.body.id}`, { token })).status).toBe(404);
  });

  it('orders: create with Idempotency-Key, list, get, pay through the sandbox, cancel; staff list, get, ship, complete, refund', async () => {
    const token = alice.accessToken;
    const body = { items: [{ skuId, quantity: 2 }], contact: CONTACT, remark: '请下午送货' };
    const created = await api.post('/api/orders', { token, json: body, headers: { 'idempotency-key': 'contract-order-1' } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ status: 'pending_payment', totalFen: 3980 });
    const again = await api.post('/api/orders', { token, json: body, headers: { 'idempotency-key': 'contract-order-1' } });
    expect(again.body).toEqual(created.body);
    const reused = await api.post('/api/orders', { token, json: { ...body, remark: 'other' }, headers: { 'idempotency-key': 'contract-order-1' } });
    expect(reused.status).toBe(422);
    expect(reused.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
    const id = created.body.id as string;

    expect((await api.post('/api/orders', { token, json: { ...body, items: [{ skuId, quantity: 2, priceFen: 1 }] } })).status).toBe(400);
    expect((await api.post('/api/orders', { token, json: { ...body, items: [{ skuId: MISSING_ID, quantity: 1 }] } })).status).toBe(404);
    expect((await api.post('/api/orders', { token, json: { ...body, items: [{ skuId, quantity: 999 }] } })).status).toBe(409);
    expect((await api.post('/api/orders', { token: staff, json: body })).status).toBe(403);
    expect((await api.post('/api/orders', { json: body })).status).toBe(401);

    expect((await api.get('/api/orders', { token })).body.items).toHaveLength(1);
    expect((await api.get('/api/orders?status=pending_payment&limit=5', { token })).status).toBe(200);
    expect((await api.get('/api/orders?limit=0', { token })).status).toBe(400);
    expect((await api.get('/api/orders?status=lost', { token })).status).toBe(400);
    expect((await api.get('/api/orders')).status).toBe(401);
    expect((await api.get(`/api/orders/${id}`, { token })).status).toBe(200);
    expect((await api.get(`/api/orders/${id}`, { token: bob.accessToken })).body.code).toBe('ORDER_NOT_FOUND');
    expect((await api.get('/api/orders/not-an-id', { token })).status).toBe(400);
    expect((await api.get(`/api/orders/${id}`, { token: staff })).status).toBe(200);
    expect((await api.get('/api/orders', { token: staff })).status).toBe(200);

    const pay = async (orderId: string, key: string) => {
      const params = await api.post(`/api/orders/${orderId}/pay`, { token, headers: { 'idempotency-key': key } });
      expect(params.status).toBe(200);
      const paid = await fetch(`${cluster.sandboxUrl}/sandbox/pay/${(params.body.package as string).replace('prepay_id=', '')}`, { method: 'POST' });
      expect(((await paid.json()) as { notified: boolean }).notified).toBe(true);
      await until(async () => (await api.get(`/api/orders/${orderId}`, { token })).body.status === 'paid');
    };
    await pay(id, 'contract-pay-1');
    expect((await api.post(`/api/orders/${id}/pay`, { token, headers: { 'idempotency-key': 'contract-pay-2' } })).status).toBe(409);
    expect((await api.post(`/api/orders/${MISSING_ID}/pay`, { token })).status).toBe(404);
    // The notify route refuses what WeChat Pay did not sign.
    const forged = await api.post('/api/orders/payments/wechat/notify', {
      json: {
        id: 'x',
        create_time: new Date().toISOString(),
        resource_type: 'encrypt-resource',
        event_type: 'TRANSACTION.SUCCESS',
        summary: 's',
        resource: {},
      },
    });
    expect([400, 401]).toContain(forged.status);

    const other = await api.post('/api/orders', {
      token,
      json: { items: [{ skuId, quantity: 1 }], contact: CONTACT },
      headers: { 'idempotency-key': 'contract-order-2' },
    });
    expect(other.status).toBe(201);
    expect((await api.post(`/api/orders/${other.body.id}/cancel`, { token })).body.status).toBe('cancelled');
    expect((await api.post(`/api/orders/${other.body.id}/cancel`, { token })).body.code).toBe('ORDER_STATE_CONFLICT');
    expect((await api.post(`/api/orders/${other.body.id}/pay`, { token })).status).toBe(409);
    expect((await api.post(`/api/orders/${other.body.id}/cancel`, { token: bob.accessToken })).status).toBe(404);

    // Staff.
    expect((await api.get('/api/orders/admin', { token })).status).toBe(403);
    expect((await api.get('/api/orders/admin?status=paid&limit=10', { token: staff })).body.items).toHaveLength(1);
    expect((await api.get(`/api/orders/admin?userId=${alice.user.id}&createdFrom=2020-01-01T00:00:00Z`, { token: staff })).status).toBe(200);
    expect((await api.get('/api/orders/admin?createdFrom=yesterday', { token: staff })).status).toBe(400);
    expect((await api.get(`/api/orders/admin/${id}`, { token: staff })).status).toBe(200);
    expect((await api.get(`/api/orders/admin/${MISSING_ID}`, { token: staff })).status).toBe(404);
    expect((await api.post(`/api/orders/admin/${other.body.id}/ship`, { token: staff, json: { logisticsType: 'self_pickup' } })).status).toBe(409);
    const shipped = await api.post(`/api/orders/admin/${id}/ship`, { token: staff, json: { carrier: '顺丰速运', trackingNo: 'SF1234567890123' } });
    expect(shipped.body.status).toBe('shipped');
    expect((await api.post(`/api/orders/admin/${id}/ship`, { token: staff, json: { logisticsType: 'self_pickup' } })).status).toBe(409);
    expect((await api.post(`/api/orders/admin/${MISSING_ID}/ship`, { token: staff, json: { logisticsType: 'self_pickup' } })).status).toBe(404);
    expect((await api.post(`/api/orders/admin/${id}/complete`, { token: staff })).body.status).toBe('completed');
    expect((await api.post(`/api/orders/admin/${id}/complete`, { token: staff })).status).toBe(409);
    expect((await api.get(`/api/orders/admin/${id}`, { token: staff })).body.status).toBe('completed');

    // A paid order the staff refund.
    const third = await api.post('/api/orders', {
      token,
      json: { items: [{ skuId, quantity: 1 }], contact: CONTACT },
      headers: { 'idempotency-key': 'contract-order-3' },
    });
    await pay(third.body.id as string, 'contract-pay-3');
    const refunded = await api.post(`/api/orders/admin/${third.body.id}/refund`, { token: staff, json: { reason: '缺货' } });
    expect(refunded.status).toBe(200);
    expect((await api.post(`/api/orders/admin/${other.body.id}/refund`, { token: staff, json: {} })).status).toBe(409);
  });

  it('upload: multipart, metadata, content with and without Range, thumbnail, signed link, presign, delete, with their errors', async () => {
    const token = alice.accessToken;
    const bytes = await jpeg(640, 480, { noise: true, quality: 80 });
    const upload = (body: { body: Buffer; contentType: string }, request: { token?: string; query?: string } = { token }) =>
      api.post(`/api/uploads${request.query ?? ''}`, { token: request.token, raw: body.body, contentType: body.contentType });
    const stored = await upload(wxUploadBody(bytes));
    expect(stored.status).toBe(201);
    const id = stored.body.id as string;
    expect(stored.body).toMatchObject({ mime: 'image/jpeg', size: bytes.length, width: 640, height: 480 });

    expect((await upload(wxUploadBody(Buffer.from('MZ not an image at all'), 'x.jpg'))).status).toBe(415);
    expect((await upload(multipartBody([{ name: 'user', data: 'alice' }]))).status).toBe(400);
    expect((await upload(wxUploadBody(bytes), { token: undefined })).status).toBe(401);
    expect((await upload(wxUploadBody(bytes), { token, query: '?public=true' })).status).toBe(403);
    expect((await api.post('/api/uploads', { token, json: { file: 'x' } })).status).toBe(415);

    expect((await api.get(`/api/uploads/${id}`, { token })).body.id).toBe(id);
    expect((await api.get(`/api/uploads/${id}`, { token: bob.accessToken })).status).toBe(404);
    // Without a token or a signed link a private file is not found, as another user's is.
    expect((await api.get(`/api/uploads/${id}`)).body.code).toBe('UPLOAD_NOT_FOUND');
    expect((await api.get('/api/uploads/not-an-id', { token })).status).toBe(400);
    const content = await api.get(`/api/uploads/${id}/content`, { token });
    expect(content.status).toBe(200);
    expect(content.bytes.equals(bytes)).toBe(true);
    const ranged = await api.get(`/api/uploads/${id}/content`, { token, headers: { range: 'bytes=100-199' } });
    expect(ranged.status).toBe(206);
    expect(ranged.bytes.equals(bytes.subarray(100, 200))).toBe(true);
    expect((await api.get(`/api/uploads/${id}/content`, { token, headers: { range: `bytes=${bytes.length + 10}-` } })).status).toBe(416);
    const etag = content.headers.get('etag')!;
    expect((await api.get(`/api/uploads/${id}/content`, { token, headers: { 'if-none-match': etag } })).status).toBe(304);
    expect((await api.get(`/api/uploads/${id}/content?variant=huge`, { token })).status).toBe(400);
    expect((await api.get(`${stored.body.url as string}`)).status).toBe(200);
    expect((await api.get(`/api/uploads/${id}/content?exp=1&sig=bad`)).status).toBe(400);
    const signed = new URL(stored.body.url as string, 'http://x');
    const sig = signed.searchParams.get('sig')!;
    signed.searchParams.set('sig', `${sig[0] === 'A' ? 'B' : 'A'}${sig.slice(1)}`);
    expect((await api.get(`${signed.pathname}${signed.search}`)).status).toBeGreaterThanOrEqual(400);
    await until(async () => {
      const thumb = await api.get(`/api/uploads/${id}/content?variant=thumb`, { token });
      return thumb.status === 200 && thumb.headers.get('cache-control') !== 'no-cache';
    });

    const presign = await api.post('/api/uploads/presign', { token, json: { filename: 'photo.jpg', mime: 'image/jpeg', size: bytes.length } });
    expect([201, 501]).toContain(presign.status);
    if (presign.status === 501) expect(presign.body.code).toBe('UPLOAD_PRESIGN_UNSUPPORTED');
    expect((await api.post('/api/uploads/presign', { token, json: { filename: 'photo.jpg', mime: 'image/jpeg', size: 0 } })).status).toBe(400);
    expect((await api.post(`/api/uploads/${MISSING_ID}/confirm`, { token })).status).toBe(404);

    // The profile takes the upload as its avatar.
    expect((await api.patch('/api/auth/me', { token, json: { avatarUploadId: id } })).status).toBe(200);

    const spare = await upload(wxUploadBody(await jpeg(64, 64)));
    expect((await api.delete(`/api/uploads/${spare.body.id}`, { token: bob.accessToken })).status).toBe(404);
    expect((await api.delete(`/api/uploads/${spare.body.id}`, { token })).status).toBe(204);
    expect((await api.delete(`/api/uploads/${spare.body.id}`, { token })).status).toBe(404);
    expect((await api.get(`/api/uploads/${spare.body.id}/content`, { token })).status).toBe(404);
  });

  it('appointments: staff resources and slots; a user lists, books with Idempotency-Key, lists and cancels; staff bookings', async () => {
    const token = alice.accessToken;
    const resource = await api.post('/api/appointments/admin/resources', {
      token: staff,
      json: { name: '王医生', kind: 'doctor', description: 'Tea ceremony' },
    });
    expect(resource.status).toBe(201);
    const resourceId = resource.body.id as string;
    expect((await api.patch(`/api/appointments/admin/resources/${resourceId}`, { token: staff, json: { description: null } })).status).toBe(200);
    expect((await api.patch(`/api/appointments/admin/resources/${MISSING_ID}`, { token: staff, json: { active: false } })).status).toBe(404);
    expect((await api.post('/api/appointments/admin/resources', { token: staff, json: { name: 'x', kind: 'Not A Kind' } })).status).toBe(400);
    expect((await api.post('/api/appointments/admin/resources', { token, json: { name: 'x', kind: 'room' } })).status).toBe(403);
    expect((await api.get('/api/appointments/admin/resources', { token: staff })).body.items).toHaveLength(1);

    // 10:00 in Shanghai three days ahead, so both slots fall on one calendar day whatever the hour of the run.
    const start = new Date(Date.now() + 3 * 86400000);
    start.setUTCHours(2, 0, 0, 0);
    const slot = (offsetHours: number, capacity: number) => ({
      startsAt: new Date(start.getTime() + offsetHours * 3600000).toISOString(),
      endsAt: new Date(start.getTime() + offsetHours * 3600000 + 1800000).toISOString(),
      capacity,
    });
    const slots = await api.post('/api/appointments/admin/slots', { token: staff, json: { resourceId, slots: [slot(0, 4), slot(1, 2)] } });
    expect(slots.status).toBe(201);
    expect((await api.post('/api/appointments/admin/slots', { token: staff, json: { resourceId, slots: [slot(0, 4)] } })).status).toBe(409);
    expect((await api.post('/api/appointments/admin/slots', { token: staff, json: { resourceId: MISSING_ID, slots: [slot(5, 1)] } })).status).toBe(404);
    const [slotId, smallSlotId] = (slots.body.items as { id: string }[]).map((item) => item.id);
    const date = businessDay(start);
    expect((await api.get(`/api/appointments/admin/slots?resourceId=${resourceId}&date=${date}`, { token: staff })).status).toBe(200);
    expect((await api.patch(`/api/appointments/admin/slots/${slotId}`, { token: staff, json: { capacity: 5 } })).status).toBe(200);
    expect((await api.patch(`/api/appointments/admin/slots/${MISSING_ID}`, { token: staff, json: { open: false } })).status).toBe(404);

    expect((await api.get('/api/appointments/resources')).body.items).toHaveLength(1);
    expect((await api.get(`/api/appointments/slots?resourceId=${resourceId}&date=${date}`)).body.items).toHaveLength(2);
    expect((await api.get(`/api/appointments/slots?resourceId=${MISSING_ID}&date=${date}`)).status).toBe(404);
    expect((await api.get(`/api/appointments/slots?resourceId=${resourceId}&date=tomorrow`)).status).toBe(400);
    expect((await api.get(`/api/appointments/slots?resourceId=${resourceId}`)).status).toBe(400);

    const booking = { slotId, contact: { name: 'Alice', phone: '13800138000' }, remark: '第一次来' };
    const booked = await api.post('/api/appointments', { token, json: booking, headers: { 'idempotency-key': 'contract-book-1' } });
    expect(booked.status).toBe(201);
    expect((await api.post('/api/appointments', { token, json: booking, headers: { 'idempotency-key': 'contract-book-1' } })).body).toEqual(booked.body);
    expect((await api.post('/api/appointments', { token, json: { ...booking, remark: 'x' }, headers: { 'idempotency-key': 'contract-book-1' } })).status).toBe(
      422,
    );
    expect((await api.post('/api/appointments', { token, json: booking, headers: { 'idempotency-key': 'contract-book-2' } })).status).toBe(409);
    expect((await api.post('/api/appointments', { token, json: { ...booking, slotId: MISSING_ID } })).status).toBe(404);
    expect((await api.post('/api/appointments', { token, json: { ...booking, contact: { name: 'A', phone: '123' } } })).status).toBe(400);
    expect((await api.post('/api/appointments', { json: booking })).status).toBe(401);
    expect((await api.get('/api/appointments', { token })).body.items).toHaveLength(1);
    expect((await api.get('/api/appointments?status=booked', { token })).status).toBe(200);
    expect((await api.get(`/api/appointments/${booked.body.id}`, { token })).status).toBe(200);
    expect((await api.get(`/api/appointments/${booked.body.id}`, { token: bob.accessToken })).status).toBe(404);
    expect((await api.post(`/api/appointments/${booked.body.id}/cancel`, { token })).body.status).toBe('cancelled');
    expect((await api.post(`/api/appointments/${booked.body.id}/cancel`, { token })).status).toBe(409);

    // Two bookings fill the small slot: it cannot shrink below them, nor take a third; staff cancel one.
    const first = await api.post('/api/appointments', { token, json: { ...booking, slotId: smallSlotId } });
    const second = await api.post('/api/appointments', { token: bob.accessToken, json: { ...booking, slotId: smallSlotId } });
    expect([first.status, second.status]).toEqual([201, 201]);
    const third = await login('test:carol');
    expect((await api.post('/api/appointments', { token: third.accessToken, json: { ...booking, slotId: smallSlotId } })).body.code).toBe('SLOT_FULL');
    expect((await api.patch(`/api/appointments/admin/slots/${smallSlotId}`, { token: staff, json: { capacity: 1 } })).status).toBe(409);
    expect((await api.get(`/api/appointments/admin/bookings?slotId=${smallSlotId}`, { token: staff })).body.items).toHaveLength(2);
    expect((await api.get('/api/appointments/admin/bookings', { token })).status).toBe(403);
    expect((await api.post(`/api/appointments/admin/bookings/${second.body.id}/cancel`, { token: staff })).body.status).toBe('cancelled');
    expect((await api.post(`/api/appointments/admin/bookings/${second.body.id}/cancel`, { token: staff })).status).toBe(409);
    expect((await api.post(`/api/appointments/admin/bookings/${MISSING_ID}/cancel`, { token: staff })).status).toBe(404);
  });

  it('answers unknown routes with 404 ROUTE_NOT_FOUND, from HAProxy and from a service', async () => {
    expect((await api.unknownRoute('GET', '/api/nowhere')).status).toBe(404);
    expect((await api.unknownRoute('GET', '/api/catalog/nowhere')).status).toBe(404);
    expect((await api.unknownRoute('DELETE', '/api/catalog/home')).status).toBe(404);
    expect((await api.unknownRoute('GET', '/api/orders/01JDQ8Z6Y3B4C5D6E7F8G9H0JK/nothing', { token: alice.accessToken })).status).toBe(404);
  });

  it('logout revokes the session', async () => {
    expect((await api.post('/api/auth/logout', { token: alice.accessToken })).status).toBe(204);
    const after = await api.get('/api/auth/me', { token: alice.accessToken });
    expect(after.body.code).toBe('SESSION_REVOKED');
    expect((await api.post('/api/auth/logout', { token: alice.accessToken })).status).toBe(401);
  });

  it('every response conformed to the document, and every operation the flows called was validated', () => {
    const coveredOperations = validator.operations.filter((operation) => validator.validated.has(operation));
    const uncovered = validator.operations.filter((operation) => !validator.validated.has(operation));
    console.log(
      [
        `API contract: ${coveredOperations.length}/${validator.operations.length} operations of docs/openapi.json covered, ` +
          `${validator.total} responses validated (${validator.validated.get(UNROUTED) ?? 0} to unknown routes), ${api.mismatches.length} mismatches, ${Math.round((Date.now() - started) / 1000)} s`,
        `not covered: ${uncovered.join(', ') || 'none'}`,
        ...api.mismatches.map((mismatch) => `MISMATCH ${mismatch}`),
      ].join('\n'),
    );
    expect(api.mismatches).toEqual([]);
    expect([...api.called].filter((operation) => !validator.validated.has(operation))).toEqual([]);
  });
});
