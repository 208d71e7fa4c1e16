import { requestJson } from '#libs/testing';
import { AuthHarness, loginAs, startAuthHarness, UserLogin } from '../../auth/test/auth-test-harness';
import { CatalogHarness, seedProduct, startCatalogHarness } from '../../catalog/test/catalog-test-harness';
import { eventually, jpeg, png, postUpload, wxUploadBody } from './upload-fixtures';
import { startUploadHarness, UploadHarness } from './upload-test-harness';

// upload, auth and catalog in-process on the catalog harness's own NATS server (a live stack's replicas
// on the shared server would answer these subjects and hear these events too).
describe('a deleted upload leaves avatars and catalog images (upload, auth, catalog over real NATS)', () => {
  let catalog: CatalogHarness;
  let auth: AuthHarness;
  let upload: UploadHarness;
  let alice: UserLogin;
  let staffUploadToken: string;

  const me = async (login: UserLogin) => (await requestJson(`${auth.url}/api/auth/me`, { token: login.accessToken })).body;
  const avatarColumn = async (login: UserLogin) =>
    (await auth.query<{ avatar_upload_id: string | null }>('SELECT avatar_upload_id FROM users WHERE id = ?', [login.user.id]))[0].avatar_upload_id;
  // The avatar is shown once WeChat's media check passes it: the pass is written as the wxa_media_check event would.
  const setAvatar = async (login: UserLogin, uploadId: string) => {
    const reply = await requestJson(`${auth.url}/api/auth/me`, { method: 'PATCH', token: login.accessToken, body: { avatarUploadId: uploadId } });
    expect([reply.status, reply.body.pendingAvatarUploadId]).toEqual([200, uploadId]);
    await upload.query("UPDATE uploads SET media_check = 'pass' WHERE id = ?", [uploadId]);
    expect((await me(login)).avatarUploadId).toBe(uploadId);
  };
  const uploadEnv = () => ({ NATS_URL: catalog.natsUrl, WECHAT_API_BASE_URL: auth.sandbox.url, UPLOAD_MEDIA_CHECK_BASE_URL: 'http://127.0.0.1:9' });
  const remove = async (id: string, token: string) =>
    expect((await requestJson(`${upload.url}/api/uploads/${id}`, { method: 'DELETE', token })).status).toBe(204);
  const publicImage = async () => {
    const stored = await postUpload(upload.url, staffUploadToken, wxUploadBody(await png(4, 4), 'p.png'), '?public=true');
    expect(stored.status).toBe(201);
    return stored.body.id as string;
  };
  const productImages = async (id: string) => (await requestJson(`${catalog.url}/api/catalog/products/${id}`)).body.images as string[];
  const coverInList = async (id: string) =>
    ((await requestJson(`${catalog.url}/api/catalog/products?limit=50`)).body.items as { id: string; coverImage: string | null }[]).find(
      (item) => item.id === id,
    )?.coverImage;

  beforeAll(async () => {
    catalog = await startCatalogHarness();
    auth = await startAuthHarness({ NATS_URL: catalog.natsUrl, MESSAGE_TIMEOUT_MS: '2000' }, { answersMessages: true });
    upload = await startUploadHarness({ keys: auth.keys, answersMessages: true, env: uploadEnv() });
    alice = await loginAs(auth.url, '1:deletion-alice');
    staffUploadToken = await upload.staffToken();
  });
  afterAll(async () => {
    await upload?.close();
    await auth?.close();
    await catalog?.close();
  });

  it('clears the avatar as soon as its upload is deleted: the event reaches auth without anyone reading the profile', async () => {
    const image = await postUpload(upload.url, alice.accessToken, wxUploadBody(await jpeg(64, 64)));
    await setAvatar(alice, image.body.id);
    await remove(image.body.id, alice.accessToken);
    await eventually(async () => ((await avatarColumn(alice)) === null ? true : undefined), 5000);
    expect(await me(alice)).toMatchObject({ id: alice.user.id, avatarUploadId: null });
  });

  it('clears an avatar whose deletion event was missed when the profile is read', async () => {
    const image = await postUpload(upload.url, alice.accessToken, wxUploadBody(await jpeg(32, 32)));
    await setAvatar(alice, image.body.id);
    // Deleted behind auth's back: no event.
    await upload.query('DELETE FROM uploads WHERE id = ?', [image.body.id]);
    expect(await avatarColumn(alice)).toBe(image.body.id);
    expect((await me(alice)).avatarUploadId).toBeNull();
    expect(await avatarColumn(alice)).toBeNull();
  });

  it('keeps the avatar while the upload service does not answer (it may well still exist), shown as pending until its check can be read', async () => {
    const image = await postUpload(upload.url, alice.accessToken, wxUploadBody(await jpeg(16, 16)));
    await setAvatar(alice, image.body.id);
    try {
      await upload.close();
      const started = Date.now();
      expect(await me(alice)).toMatchObject({ avatarUploadId: null, pendingAvatarUploadId: image.body.id });
      expect(Date.now() - started).toBeLessThan(2000);
      expect(await avatarColumn(alice)).toBe(image.body.id);
    } finally {
      upload = await startUploadHarness({ keys: auth.keys, answersMessages: true, env: uploadEnv() });
      staffUploadToken = await upload.staffToken();
    }
  });

  it('drops a deleted product image from the cached product page and list at once', async () => {
    const [kept, deleted] = [await publicImage(), await publicImage()];
    const product = await seedProduct(catalog, { images: [deleted, kept, 'https://img.example/c.jpg'] });
    expect(await productImages(product.id)).toEqual([`/api/uploads/${deleted}/content`, `/api/uploads/${kept}/content`, 'https://img.example/c.jpg']);
    expect(await coverInList(product.id)).toBe(`/api/uploads/${deleted}/content`);
    await remove(deleted, staffUploadToken);
    await eventually(async () => ((await productImages(product.id)).length === 2 ? true : undefined), 5000);
    expect(await productImages(product.id)).toEqual([`/api/uploads/${kept}/content`, 'https://img.example/c.jpg']);
    expect(await coverInList(product.id)).toBe(`/api/uploads/${kept}/content`);
  });

  it('leaves out an image whose deletion event was missed when the page is built', async () => {
    const image = await publicImage();
    const product = await seedProduct(catalog, { images: [image] });
    await upload.query('DELETE FROM uploads WHERE id = ?', [image]);
    expect(await productImages(product.id)).toEqual([]);
    expect(await coverInList(product.id)).toBeNull();
  });
});
