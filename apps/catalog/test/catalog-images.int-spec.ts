import { requestJson } from '#libs/testing';
import { startUploadHarness, UploadHarness } from '../../upload/test/upload-test-harness';
import { CatalogHarness, seedProduct, startCatalogHarness } from './catalog-test-harness';

// A 1×1 PNG and a text file: the upload service types files by their bytes.
const PNG = Buffer.from(
  '89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360000002000100ffff03000006000557bfabd40000000049454e44ae426082',
  'hex',
);

describe('catalog images are checked with the upload service over the bus', () => {
  let catalog: CatalogHarness;
  let upload: UploadHarness;

  const store = async (token: string, bytes: Buffer, name: string, visibility?: 'public') => {
    const form = new FormData();
    form.append('file', new Blob([bytes]), name);
    const response = await fetch(`${upload.url}/api/uploads${visibility ? '?public=true' : ''}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
      body: form,
    });
    const body = (await response.json()) as { id: string };
    if (response.status !== 201) throw new Error(`upload failed ${response.status} ${JSON.stringify(body)}`);
    return body.id;
  };

  beforeAll(async () => {
    catalog = await startCatalogHarness();
    upload = await startUploadHarness({ answersMessages: true, keys: catalog.keys, env: { NATS_URL: catalog.natsUrl } });
  });
  afterAll(async () => {
    await upload?.close();
    await catalog?.close();
  });

  it('accepts public image uploads and serves them as upload URLs', async () => {
    const imageId = await store(await upload.staffToken(), PNG, 'tea.png', 'public');
    const product = await seedProduct(catalog, { images: [imageId, 'https://img.example/b.jpg'] });
    const detail = await requestJson(`${catalog.url}/api/catalog/products/${product.id}`);
    expect(detail.body.images).toEqual([`/api/uploads/${imageId}/content`, 'https://img.example/b.jpg']);
    const banner = await requestJson(`${catalog.url}/api/catalog/admin/banners`, { token: catalog.staffToken, body: { title: 'b', image: imageId } });
    expect(banner.status).toBe(201);
  });

  it('refuses unknown, private and non-image uploads, and stores nothing', async () => {
    const before = (await requestJson(`${catalog.url}/api/catalog/products?limit=100`)).body.items.length;
    const unknown = await requestJson(`${catalog.url}/api/catalog/admin/banners`, {
      token: catalog.staffToken,
      body: { title: 'b', image: '01J0000000000000000000000A' },
    });
    expect([unknown.status, unknown.body.code]).toEqual([404, 'UPLOAD_NOT_FOUND']);
    // The detail names the field the client sent.
    expect(unknown.body.details).toEqual([{ field: 'image', message: '01J0000000000000000000000A not found' }]);
    const privateImage = await store(await upload.userToken(), PNG, 'mine.png');
    const refused = await requestJson(`${catalog.url}/api/catalog/admin/products`, {
      token: catalog.staffToken,
      body: {
        categoryId: (await requestJson(`${catalog.url}/api/catalog/admin/categories`, { token: catalog.staffToken, body: { name: 'x' } })).body.id,
        title: 'p',
        images: [privateImage],
        skus: [{ name: 's', priceFen: 1, stock: 1 }],
      },
    });
    expect([refused.status, refused.body.code]).toEqual([400, 'VALIDATION_FAILED']);
    expect(refused.body.details).toEqual([{ field: 'images', message: `${privateImage} is private` }]);
    expect((await requestJson(`${catalog.url}/api/catalog/products?limit=100`)).body.items.length).toBe(before);
  });
});
