import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createConnection } from 'mysql2/promise';
import { parseMysqlUrl } from '#libs/database';
import { MixFixtures } from './traffic-mix';
import { noiseJpeg } from '../bench/noise-jpeg';

const USERS = 40;

async function json<T = unknown>(url: string, init: RequestInit = {}): Promise<{ status: number; body: T }> {
  const response = await fetch(url, init);
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : null) as T };
}

function collectIds(value: unknown, into: string[]): void {
  if (Array.isArray(value)) for (const item of value) collectIds(item, into);
  else if (value && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    if (typeof record.id === 'string') into.push(record.id);
    for (const child of Object.values(record)) if (typeof child === 'object') collectIds(child, into);
  }
}

/**
 * Prepares what the mix needs against a running stack: users logged in through the WeChat sandbox, product,
 * category and SKU ids read through the API, SKU stock raised so orders are never refused for stock, and a
 * multipart upload body. Then sends each kind of request once, so a broken route stops the run before it starts.
 */
export async function prepareMixFixtures(apiUrl: string, catalogDatabaseUrl: string, dir: string, log: (line: string) => void): Promise<MixFixtures> {
  const tokens: string[] = [];
  for (let i = 0; i < USERS; i++) {
    const login = await json<{ accessToken: string }>(`${apiUrl}/api/auth/wechat/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ code: `capacity-setup-${i}:capuser${i}` }),
    });
    if (login.status !== 200) throw new Error(`login answered ${login.status}: ${JSON.stringify(login.body)}`);
    tokens.push(login.body.accessToken);
  }
  log(`${USERS} users logged in through the WeChat sandbox`);

  const productIds: string[] = [];
  let cursor: string | null = null;
  do {
    const page: { status: number; body: { items: { id: string }[]; nextCursor: string | null } } = await json(
      `${apiUrl}/api/catalog/products?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
    );
    if (page.status !== 200) throw new Error(`product list answered ${page.status}`);
    productIds.push(...page.body.items.map((item) => item.id));
    cursor = page.body.nextCursor;
  } while (cursor && productIds.length < 1000);
  const categoryIds: string[] = [];
  collectIds((await json(`${apiUrl}/api/catalog/categories`)).body, categoryIds);
  const skuIds: string[] = [];
  for (const id of productIds.slice(0, 60)) {
    const detail = await json<{ skus: { id: string }[] }>(`${apiUrl}/api/catalog/products/${id}`);
    skuIds.push(...detail.body.skus.map((sku) => sku.id));
  }
  if (!productIds.length || !categoryIds.length || !skuIds.length) throw new Error('the catalog has no products, categories or SKUs to browse');
  log(`${productIds.length} products, ${categoryIds.length} categories, ${skuIds.length} SKUs to draw from`);

  const { host, port, username, password, database } = parseMysqlUrl(catalogDatabaseUrl);
  const connection = await createConnection({ host, port, user: username, password, database });
  try {
    await connection.query('UPDATE skus SET stock = 100000000');
  } finally {
    await connection.end();
  }

  const jpeg = await noiseJpeg(40 * 1024);
  const boundary = `----capacity${randomBytes(8).toString('hex')}`;
  const body = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="photo.jpg"\r\nContent-Type: image/jpeg\r\n\r\n`),
    jpeg,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  const uploadBodyFile = join(dir, 'upload-body.bin');
  writeFileSync(uploadBodyFile, body);

  const auth = { authorization: `Bearer ${tokens[0]}` };
  const checks: [string, Promise<{ status: number; body: unknown }>, number][] = [
    ['GET /api/auth/me', json(`${apiUrl}/api/auth/me`, { headers: auth }), 200],
    ['GET /api/catalog/home', json(`${apiUrl}/api/catalog/home`), 200],
    ['GET /api/orders', json(`${apiUrl}/api/orders?limit=10`, { headers: auth }), 200],
    [
      'POST /api/orders',
      json(`${apiUrl}/api/orders`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json', 'idempotency-key': `capacity-check-${randomBytes(6).toString('hex')}` },
        body: JSON.stringify({ items: [{ skuId: skuIds[0], quantity: 1 }], contact: { name: 'Capacity', phone: '13800138000' } }),
      }),
      201,
    ],
    [
      'POST /api/uploads',
      json(`${apiUrl}/api/uploads`, { method: 'POST', headers: { ...auth, 'content-type': `multipart/form-data; boundary=${boundary}` }, body }),
      201,
    ],
  ];
  for (const [what, reply, expected] of checks) {
    const { status, body: answer } = await reply;
    if (status !== expected) throw new Error(`${what} answered ${status} (expected ${expected}): ${JSON.stringify(answer)}`);
  }
  log('each kind of request answered once as expected');
  return { tokens, productIds, categoryIds, skuIds, uploadBodyFile, uploadBoundary: boundary };
}
