import { deflateSync } from 'node:zlib';
import { requestJson } from '#libs/testing';
import { LocalCluster } from '../../tools/stack/local-cluster';
import { createTestCluster, queryDatabase, signClusterToken } from './cluster-fixture';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

const eventually = async (check: () => Promise<boolean>, timeoutMs = 60000) => {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
};

/** A valid 8x8 grey PNG, with a tEXt chunk holding `text` when given. */
function png(text?: string): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body) >>> 0);
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(8, 0);
  header.writeUInt32BE(8, 4);
  header.set([8, 0, 0, 0, 0], 8);
  const rows = Buffer.alloc(8 * 9, 0x80);
  for (let row = 0; row < 8; row++) rows[row * 9] = 0;
  return Buffer.concat([
    PNG_SIGNATURE,
    chunk('IHDR', header),
    ...(text ? [chunk('tEXt', Buffer.from(`Comment\0${text}`, 'latin1'))] : []),
    chunk('IDAT', deflateSync(rows)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

function crc32(bytes: Buffer): number {
  let crc = ~0;
  for (const byte of bytes) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  return ~crc;
}

describe('WeChat content security and share codes: 3 catalog replicas, auth, upload, the sandbox (pushes through HAProxy)', () => {
  let cluster: LocalCluster;
  let staffToken: string;
  const api = (path: string) => `${cluster.publicUrl}${path}`;
  const sandboxStats = async (endpoint: string) => ((await requestJson(`${cluster.sandboxUrl}/sandbox/stats`)).body[endpoint] ?? {}) as Record<string, number>;
  const login = async (code: string) => (await requestJson(api('/api/auth/wechat/login'), { body: { code } })).body.accessToken as string;
  const newProduct = async (onSale = true) => {
    const category = await requestJson(api('/api/catalog/admin/categories'), { token: staffToken, body: { name: `Share ${Date.now()}` } });
    const product = await requestJson(api('/api/catalog/admin/products'), {
      token: staffToken,
      body: {
        categoryId: category.body.id,
        title: 'Shared tea',
        images: ['https://img.example/t.jpg'],
        skus: [{ name: 'box', priceFen: 100, stock: 5 }],
        onSale,
      },
    });
    expect(product.status).toBe(201);
    return product.body.id as string;
  };
  const shareCode = async (productId: string) => {
    const response = await fetch(api(`/api/catalog/products/${productId}/share-code`));
    return { status: response.status, type: response.headers.get('content-type'), bytes: Buffer.from(await response.arrayBuffer()) };
  };

  beforeAll(async () => {
    cluster = createTestCluster({ auth: 1, catalog: 3, orders: 1, upload: 1 }, { THROTTLE_LIMIT: '100000' });
    await cluster.start();
    staffToken = await signClusterToken(cluster, {
      subject: '01CLUSTERSTAFF000000000000',
      kind: 'staff',
      roles: ['admin'],
      expiresAt: Math.floor(Date.now() / 1000) + 3600,
    });
  }, 180000);
  afterAll(() => cluster?.stop());

  it('makes a product share code once for 100 concurrent requests across 3 catalog replicas, then serves it from storage', async () => {
    const productId = await newProduct();
    const before = (await sandboxStats('getwxacodeunlimit')).ok ?? 0;
    const answers = await Promise.all(Array.from({ length: 100 }, () => shareCode(productId)));
    expect(answers.map((answer) => answer.status)).toEqual(Array(100).fill(200));
    expect(new Set(answers.map((answer) => answer.type))).toEqual(new Set(['image/png']));
    expect(answers[0].bytes.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
    expect(answers.every((answer) => answer.bytes.equals(answers[0].bytes))).toBe(true);
    expect((await sandboxStats('getwxacodeunlimit')).ok ?? 0).toBe(before + 1);

    const later = await Promise.all(Array.from({ length: 6 }, () => shareCode(productId)));
    expect(later.every((answer) => answer.status === 200 && answer.bytes.equals(answers[0].bytes))).toBe(true);
    expect((await sandboxStats('getwxacodeunlimit')).ok ?? 0).toBe(before + 1);
    console.log(`share code: 100 concurrent requests over 3 catalog replicas, ${answers[0].bytes.length} bytes, 1 getwxacodeunlimit call`);
  });

  it('answers 404 PRODUCT_NOT_FOUND for an unknown or off-sale product, without asking WeChat', async () => {
    const before = await sandboxStats('getwxacodeunlimit');
    const offSale = await newProduct(false);
    for (const id of ['01HZ0000000000000000000000', offSale]) {
      const reply = await requestJson(api(`/api/catalog/products/${id}/share-code`));
      expect([reply.status, reply.body.code]).toEqual([404, 'PRODUCT_NOT_FOUND']);
    }
    expect(await sandboxStats('getwxacodeunlimit')).toEqual(before);
  });

  it('makes the code again (once) when the configured page changes', async () => {
    const productId = await newProduct();
    const first = await shareCode(productId);
    const calls = (await sandboxStats('getwxacodeunlimit')).ok ?? 0;
    cluster.options.env = { ...cluster.options.env, CATALOG_SHARE_PAGE: 'pages/index/index' };
    for (const name of ['catalog-1', 'catalog-2', 'catalog-3']) {
      const replica = cluster.requireReplica(name);
      replica.process.signal('SIGTERM');
      await replica.process.exited;
      await cluster.restartReplica(name);
      await cluster.waitForBalancerStatus(name, 'UP', 20000);
    }
    const again = await Promise.all(Array.from({ length: 10 }, () => shareCode(productId)));
    expect(again.every((answer) => answer.status === 200 && answer.bytes.equals(again[0].bytes))).toBe(true);
    expect(again[0].bytes.equals(first.bytes)).toBe(false);
    expect((await sandboxStats('getwxacodeunlimit')).ok ?? 0).toBe(calls + 1);
  }, 120000);

  it('refuses a risky order remark with 422 and stores nothing; a sandbox outage during the check is 503 and stores nothing', async () => {
    const token = await login('1:remark-alice');
    const productId = await newProduct();
    const skuId = (await requestJson(api(`/api/catalog/products/${productId}`))).body.skus[0].id as string;
    const stock = async () =>
      Number((await queryDatabase<{ stock: number }>(cluster.databaseUrl('catalog'), 'SELECT stock FROM skus WHERE id = ?', [skuId]))[0].stock);
    const orderRows = async () => Number((await queryDatabase<{ n: number }>(cluster.databaseUrl('orders'), 'SELECT COUNT(*) AS n FROM orders'))[0].n);
    const place = (remark: string, key: string) =>
      requestJson(api('/api/orders'), {
        token,
        body: { items: [{ skuId, quantity: 1 }], contact: { name: 'Alice', phone: '13800138000', address: '1 Tea St' }, remark },
        headers: { 'idempotency-key': key },
      });
    const [rowsBefore, stockBefore] = [await orderRows(), await stock()];

    const risky = await place('leave it with a forbidden-word', 'remark-risky');
    expect([risky.status, risky.body.code]).toEqual([422, 'CONTENT_REJECTED']);
    const faults = (outage: boolean) =>
      fetch(`${cluster.sandboxUrl}/sandbox/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ outage }) });
    await faults(true);
    try {
      const down = await place('请下午送货', 'remark-outage');
      expect([down.status, down.body.code]).toEqual([503, 'WECHAT_UNAVAILABLE']);
    } finally {
      await faults(false);
    }
    expect([await orderRows(), await stock()]).toEqual([rowsBefore, stockBefore]);

    const clean = await place('请下午送货', 'remark-clean');
    expect(clean.status).toBe(201);
    expect([await orderRows(), await stock()]).toEqual([rowsBefore + 1, stockBefore - 1]);
  });

  it('blocks a risky avatar (never shown, its bytes served to no one but staff) and shows a clean one once WeChat passes it', async () => {
    const token = await login('1:media-alice');
    const upload = async (bytes: Buffer) => {
      const form = new FormData();
      form.append('file', new Blob([bytes], { type: 'image/png' }), 'avatar.png');
      const response = await fetch(api('/api/uploads'), { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form });
      expect(response.status).toBe(201);
      return ((await response.json()) as { id: string }).id;
    };
    const me = async () => (await requestJson(api('/api/auth/me'), { token })).body as { avatarUploadId: string | null; pendingAvatarUploadId: string | null };
    const setAvatar = (avatarUploadId: string) => requestJson(api('/api/auth/me'), { method: 'PATCH', token, body: { avatarUploadId } });

    const risky = await upload(png('RISKY'));
    const pending = await setAvatar(risky);
    expect([pending.status, pending.body]).toMatchObject([200, { avatarUploadId: null, pendingAvatarUploadId: risky }]);
    await eventually(async () => ((await sandboxStats('media_check_push')).risky ?? 0) >= 1).catch(async (error: unknown) => {
      console.log('the media check result did not arrive; sandbox stats:', JSON.stringify((await requestJson(`${cluster.sandboxUrl}/sandbox/stats`)).body));
      throw error;
    });
    await eventually(async () => (await me()).pendingAvatarUploadId === null);
    expect(await me()).toMatchObject({ avatarUploadId: null, pendingAvatarUploadId: null });
    expect((await fetch(api(`/api/uploads/${risky}/content`), { headers: { authorization: `Bearer ${token}` } })).status).toBe(404);
    expect((await fetch(api(`/api/uploads/${risky}/content`), { headers: { authorization: `Bearer ${staffToken}` } })).status).toBe(200);
    const again = await setAvatar(risky);
    expect([again.status, again.body.code]).toEqual([422, 'CONTENT_REJECTED']);

    const clean = await upload(png());
    expect((await setAvatar(clean)).body).toMatchObject({ avatarUploadId: null, pendingAvatarUploadId: clean });
    await eventually(async () => (await me()).avatarUploadId === clean);
    expect(await me()).toMatchObject({ avatarUploadId: clean, pendingAvatarUploadId: null });
    expect(await sandboxStats('media_check_push')).toMatchObject({ risky: 1, pass: 1 });
  }, 180000);
});
