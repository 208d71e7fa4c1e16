import { requestJson, PrivateNats, startPrivateNats } from '#libs/testing';
import { jpeg, multipartBody, postUpload, wxUploadBody } from '../../upload/test/upload-fixtures';
import { startUploadHarness, UploadHarness } from '../../upload/test/upload-test-harness';
import { AuthHarness, loginAs, startAuthHarness, UserLogin } from './auth-test-harness';

// upload.files.get is a fixed subject a live stack on the shared NATS answers too: this file brings its own server.
describe('PATCH /api/auth/me {avatarUploadId}: auth asks a real upload service over the bus (real NATS, MariaDB)', () => {
  let nats: PrivateNats;
  let auth: AuthHarness;
  let upload: UploadHarness;
  let alice: UserLogin;
  let bob: UserLogin;
  const patchAvatar = (login: UserLogin, avatarUploadId: string | null) =>
    requestJson(`${auth.url}/api/auth/me`, { method: 'PATCH', token: login.accessToken, body: { avatarUploadId } });

  beforeAll(async () => {
    nats = await startPrivateNats();
    auth = await startAuthHarness({ NATS_URL: nats.url, MESSAGE_TIMEOUT_MS: '2000' }, { answersMessages: true });
    upload = await startUploadHarness({
      keys: auth.keys,
      answersMessages: true,
      env: {
        NATS_URL: nats.url,
        UPLOAD_ALLOWED_TYPES: 'image/jpeg,image/png,application/pdf',
        // Upload asks auth's sandbox for media checks; its fetch of this origin fails, so the images stay pending here.
        WECHAT_API_BASE_URL: auth.sandbox.url,
        UPLOAD_MEDIA_CHECK_BASE_URL: 'http://127.0.0.1:9',
      },
    });
    [alice, bob] = [await loginAs(auth.url, '1:avatar-alice'), await loginAs(auth.url, '1:avatar-bob')];
  });
  afterAll(async () => {
    await upload?.close();
    await auth?.close();
    await nats?.stop();
  });

  it('takes an image the user uploaded as the avatar, pending until WeChat passes it (sent to the media check once), and clears it with null', async () => {
    const image = await postUpload(upload.url, alice.accessToken, wxUploadBody(await jpeg(256, 256)));
    expect(image.status).toBe(201);
    const reply = await patchAvatar(alice, image.body.id);
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ id: alice.user.id, avatarUploadId: null, pendingAvatarUploadId: image.body.id });
    expect((await patchAvatar(alice, image.body.id)).status).toBe(200);
    const checks = (await requestJson(`${auth.sandbox.url}/sandbox/stats`)).body.media_check_async as Record<string, number>;
    expect(checks).toEqual({ ok: 1 });
    const cleared = await patchAvatar(alice, null);
    expect([cleared.body.avatarUploadId, cleared.body.pendingAvatarUploadId]).toEqual([null, null]);
  });

  it('answers 404 UPLOAD_NOT_FOUND for an unknown upload, someone else’s, or one that is not an image, and keeps the avatar', async () => {
    const bobsImage = await postUpload(upload.url, bob.accessToken, wxUploadBody(await jpeg(64, 64)));
    const pdf = await postUpload(
      upload.url,
      alice.accessToken,
      multipartBody([{ name: 'file', filename: 'cv.pdf', data: Buffer.from('%PDF-1.7\n' + 'x'.repeat(100)) }]),
    );
    expect(pdf.status).toBe(201);
    for (const id of ['01HZ0000000000000000000000', bobsImage.body.id, pdf.body.id]) {
      const reply = await patchAvatar(alice, id);
      expect({ id, status: reply.status, code: reply.body.code }).toEqual({ id, status: 404, code: 'UPLOAD_NOT_FOUND' });
    }
    expect((await requestJson(`${auth.url}/api/auth/me`, { token: alice.accessToken })).body).toMatchObject({
      avatarUploadId: null,
      pendingAvatarUploadId: null,
    });
  });

  it('answers 503 WECHAT_UNAVAILABLE when WeChat cannot take the media check, and changes nothing', async () => {
    const image = await postUpload(upload.url, alice.accessToken, wxUploadBody(await jpeg(48, 48)));
    const faults = (outage: boolean) =>
      fetch(`${auth.sandbox.url}/sandbox/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ outage }) });
    await faults(true);
    try {
      const reply = await patchAvatar(alice, image.body.id);
      expect([reply.status, reply.body.code]).toEqual([503, 'WECHAT_UNAVAILABLE']);
    } finally {
      await faults(false);
    }
    expect((await requestJson(`${auth.url}/api/auth/me`, { token: alice.accessToken })).body).toMatchObject({
      avatarUploadId: null,
      pendingAvatarUploadId: null,
    });
  });

  it('answers 503/504 (not 500) when the upload service does not answer, and changes nothing', async () => {
    const image = await postUpload(upload.url, alice.accessToken, wxUploadBody(await jpeg(32, 32)));
    await upload.close();
    const reply = await patchAvatar(alice, image.body.id);
    expect([503, 504]).toContain(reply.status);
    expect(['DEPENDENCY_UNAVAILABLE', 'UPSTREAM_TIMEOUT']).toContain(reply.body.code);
    expect((await requestJson(`${auth.url}/api/auth/me`, { token: alice.accessToken })).body.avatarUploadId).toBeNull();
  });
});
