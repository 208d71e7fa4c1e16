import { HeadObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { requestJson } from '#libs/testing';
import { StorageSweeperService } from '../src/services/storage-sweeper.service';
import { eventually, jpeg, png, postUpload, wxUploadBody } from './upload-fixtures';
import { signLink, startTestS3, startUploadHarness, TestS3, UploadHarness, USER_A, USER_B } from './upload-test-harness';

/** Sends a file to a presigned POST the way wx.uploadFile would: the fields as formData, the file in `file`. */
async function sendToPresignedPost(
  upload: { url: string; fields: Record<string, string>; fileField: string },
  data: Buffer,
  filename: string,
): Promise<number> {
  const form = new FormData();
  for (const [name, value] of Object.entries(upload.fields)) form.append(name, value);
  form.append(upload.fileField, new Blob([new Uint8Array(data)]), filename);
  return (await fetch(upload.url, { method: 'POST', body: form })).status;
}

describe('upload service with the s3 driver against a real S3-protocol server (s3rver)', () => {
  let s3: TestS3;
  let upload: UploadHarness;
  let alice: string;

  const objectKeys = async () => ((await s3.client.send(new ListObjectsV2Command({ Bucket: s3.bucket }))).Contents ?? []).map((object) => object.Key!).sort();

  beforeAll(async () => {
    s3 = await startTestS3();
    upload = await startUploadHarness({ env: { ...s3.env, UPLOAD_S3_KEY_PREFIX: 'shop1/', UPLOAD_MAX_BYTES: String(2 * 1024 * 1024) } });
    alice = await upload.userToken(USER_A);
  });
  afterAll(async () => {
    await upload?.close();
    await s3?.stop();
  });

  it('streams a multipart upload into the bucket, serves it back with ranges, and makes the thumbnail there', async () => {
    const bytes = await jpeg(1200, 900, { noise: true, quality: 70 });
    const reply = await postUpload(upload.url, alice, wxUploadBody(bytes));
    expect(reply.status).toBe(201);
    expect(reply.body).toMatchObject({ mime: 'image/jpeg', size: bytes.length, width: 1200, height: 900 });
    const key = `shop1/files/${reply.body.id.slice(-2)}/${reply.body.id}`;
    const head = await s3.client.send(new HeadObjectCommand({ Bucket: s3.bucket, Key: key }));
    expect({ length: head.ContentLength, type: head.ContentType }).toEqual({ length: bytes.length, type: 'image/jpeg' });
    // Spooled to scratch disk, never kept: nothing left in the spool directory.
    expect(upload.storedFiles().filter((file) => file.startsWith('.spool/'))).toEqual([]);

    const content = `${upload.url}/api/uploads/${reply.body.id}/content`;
    const whole = await fetch(content, { headers: { authorization: `Bearer ${alice}` } });
    expect(whole.status).toBe(200);
    expect(Buffer.from(await whole.arrayBuffer()).equals(bytes)).toBe(true);
    const part = await fetch(content, { headers: { authorization: `Bearer ${alice}`, range: 'bytes=100-199' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 100-199/${bytes.length}`);
    expect(Buffer.from(await part.arrayBuffer()).equals(bytes.subarray(100, 200))).toBe(true);

    // Ready once the row says so (the object lands in the bucket a moment before).
    const thumb = await eventually(async () => {
      const response = await fetch(`${content}?variant=thumb`, { headers: { authorization: `Bearer ${alice}` } });
      await response.arrayBuffer();
      return response.headers.get('cache-control') === 'no-cache' ? undefined : response;
    });
    expect(thumb.headers.get('cache-control')).toBe('private, max-age=3600');
    expect(await objectKeys()).toContain(`shop1/thumbs/${reply.body.id.slice(-2)}/${reply.body.id}`);
    expect(Number(thumb.headers.get('content-length'))).toBeLessThan(bytes.length);

    expect((await requestJson(`${upload.url}/api/uploads/${reply.body.id}`, { method: 'DELETE', token: alice })).status).toBe(204);
    expect(await objectKeys()).toEqual([]);
  });

  it('leaves nothing in the bucket when a file is refused', async () => {
    const exe = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(4000, 0x90)]);
    expect((await postUpload(upload.url, alice, wxUploadBody(exe, 'x.jpg'))).status).toBe(415);
    expect((await postUpload(upload.url, alice, wxUploadBody(Buffer.concat([await jpeg(10, 10), Buffer.alloc(2 * 1024 * 1024)])))).status).toBe(413);
    expect(await objectKeys()).toEqual([]);
    expect(await upload.query('SELECT id FROM upload_intents')).toEqual([]);
    expect(await upload.query('SELECT id FROM uploads')).toEqual([]);
  });

  it('presigns a direct upload binding size and type, and confirm checks what arrived', async () => {
    const bytes = await png(200, 100, true);
    const presign = await requestJson(`${upload.url}/api/uploads/presign`, {
      token: alice,
      body: { filename: 'cutout.png', mime: 'image/png', size: bytes.length },
    });
    expect(presign.status).toBe(201);
    expect(presign.body).toMatchObject({
      id: expect.any(String),
      upload: { method: 'POST', fileField: 'file', url: `${s3.endpoint}/${s3.bucket}` },
      confirmUrl: `/api/uploads/${presign.body.id}/confirm`,
    });
    const policy = JSON.parse(Buffer.from(presign.body.upload.fields.Policy, 'base64').toString('utf8'));
    expect(policy.conditions).toEqual(
      expect.arrayContaining([
        ['content-length-range', bytes.length, bytes.length],
        ['eq', '$Content-Type', 'image/png'],
      ]),
    );
    expect(presign.body.upload.fields).toMatchObject({ key: `shop1/files/${presign.body.id.slice(-2)}/${presign.body.id}`, 'Content-Type': 'image/png' });

    const confirmUrl = `${upload.url}${presign.body.confirmUrl}`;
    const early = await requestJson(confirmUrl, { method: 'POST', token: alice });
    expect({ status: early.status, code: early.body.code }).toEqual({ status: 409, code: 'UPLOAD_NOT_RECEIVED' });
    expect(await sendToPresignedPost(presign.body.upload, bytes, 'cutout.png')).toBeLessThan(300);
    expect((await requestJson(confirmUrl, { method: 'POST', token: await upload.userToken(USER_B) })).status).toBe(404);
    const confirmed = await requestJson(confirmUrl, { method: 'POST', token: alice });
    expect(confirmed.status).toBe(200);
    expect(confirmed.body).toMatchObject({ id: presign.body.id, mime: 'image/png', size: bytes.length, width: 200, height: 100, filename: 'cutout.png' });
    // Confirming again is harmless.
    expect((await requestJson(confirmUrl, { method: 'POST', token: alice })).body).toMatchObject({ id: presign.body.id });
    expect(await upload.query('SELECT id FROM upload_intents')).toEqual([]);
    const content = await fetch(`${upload.url}${confirmed.body.url}`);
    expect(Buffer.from(await content.arrayBuffer()).equals(bytes)).toBe(true);
    await requestJson(`${upload.url}/api/uploads/${presign.body.id}`, { method: 'DELETE', token: alice });
  });

  it('refuses at confirm a file that does not match its presign, removing it: another size, another type', async () => {
    const declared = await png(64, 64);
    const smaller = declared.subarray(0, declared.length - 10);
    const sameSizeJpeg = Buffer.concat([await jpeg(8, 8)]);
    const cases: [Buffer, Buffer, string][] = [
      [declared, smaller, 'size'],
      [Buffer.concat([sameSizeJpeg]), Buffer.concat([sameSizeJpeg]), 'mime'],
    ];
    for (const [declare, send, field] of cases) {
      const presign = await requestJson(`${upload.url}/api/uploads/presign`, {
        token: alice,
        body: { filename: 'x.png', mime: 'image/png', size: declare.length },
      });
      expect(presign.status).toBe(201);
      // s3rver does not enforce POST policies (real S3, COS, OSS, MinIO do); the confirm must catch it anyway.
      expect(await sendToPresignedPost(presign.body.upload, send, 'x.png')).toBeLessThan(300);
      const confirm = await requestJson(`${upload.url}${presign.body.confirmUrl}`, { method: 'POST', token: alice });
      expect({ field, status: confirm.status, code: confirm.body.code }).toEqual({ field, status: 422, code: 'UPLOAD_PRESIGN_MISMATCH' });
      expect(confirm.body.details).toEqual([{ field, message: expect.any(String) }]);
      expect(await objectKeys()).toEqual([]);
      expect((await requestJson(`${upload.url}${presign.body.confirmUrl}`, { method: 'POST', token: alice })).status).toBe(404);
    }
    expect(await upload.query('SELECT id FROM uploads')).toEqual([]);
    expect(await upload.query('SELECT id FROM upload_intents')).toEqual([]);
  });

  it('refuses presigns of types, sizes or names that could never be accepted', async () => {
    const presign = (body: object) => requestJson(`${upload.url}/api/uploads/presign`, { token: alice, body });
    expect((await presign({ filename: 'a.exe', mime: 'application/x-msdownload', size: 10 })).body.code).toBe('UPLOAD_TYPE_NOT_ALLOWED');
    expect((await presign({ filename: 'a.png', mime: 'image/jpeg', size: 10 })).body.code).toBe('UPLOAD_TYPE_MISMATCH');
    expect((await presign({ filename: 'a.jpg', mime: 'image/jpeg', size: 3 * 1024 * 1024 })).body.code).toBe('UPLOAD_TOO_LARGE');
    expect((await presign({ filename: '../a.jpg', mime: 'image/jpeg', size: 10 })).body.code).toBe('UPLOAD_FILENAME_INVALID');
    expect((await presign({ filename: 'a.jpg', mime: 'image/jpeg', size: 10, public: true })).status).toBe(403);
    expect(await upload.query('SELECT id FROM upload_intents')).toEqual([]);
  });

  it('removes an abandoned presign’s object when its intent expires (the sweeper)', async () => {
    const bytes = await jpeg(16, 16);
    const presign = await requestJson(`${upload.url}/api/uploads/presign`, {
      token: alice,
      body: { filename: 'late.jpg', mime: 'image/jpeg', size: bytes.length },
    });
    await sendToPresignedPost(presign.body.upload, bytes, 'late.jpg');
    expect(await objectKeys()).toHaveLength(1);
    await upload.query('UPDATE upload_intents SET expires_at = NOW(3) - INTERVAL 1 SECOND WHERE id = ?', [presign.body.id]);
    const report = await upload.app.get(StorageSweeperService).sweep();
    expect(report.intents).toBe(1);
    expect(await objectKeys()).toEqual([]);
    expect((await requestJson(`${upload.url}${presign.body.confirmUrl}`, { method: 'POST', token: alice })).status).toBe(404);
  });
});

describe('s3 driver answering content with redirects to signed URLs', () => {
  let s3: TestS3;
  let upload: UploadHarness;

  beforeAll(async () => {
    s3 = await startTestS3('redirect-bucket');
    upload = await startUploadHarness({ env: { ...s3.env, UPLOAD_S3_REDIRECT: 'true', UPLOAD_SIGNED_URL_TTL_SECONDS: '60' } });
  });
  afterAll(async () => {
    await upload?.close();
    await s3?.stop();
  });

  it('checks access, then redirects to a short-lived signed URL that serves the bytes with the right type', async () => {
    const alice = await upload.userToken(USER_A);
    const bytes = await jpeg(300, 200);
    const { body } = await postUpload(upload.url, alice, wxUploadBody(bytes));
    const content = `${upload.url}/api/uploads/${body.id}/content`;
    expect((await fetch(content, { redirect: 'manual', headers: { authorization: `Bearer ${await upload.userToken(USER_B)}` } })).status).toBe(404);
    const redirect = await fetch(content, { redirect: 'manual', headers: { authorization: `Bearer ${alice}` } });
    expect(redirect.status).toBe(302);
    expect(redirect.headers.get('cache-control')).toBe('private, no-store');
    const location = redirect.headers.get('location')!;
    expect(location).toMatch(new RegExp(`^${s3.endpoint}/redirect-bucket/files/.+X-Amz-Expires=60`));
    const signed = await fetch(location);
    expect(signed.status).toBe(200);
    expect(signed.headers.get('content-type')).toBe('image/jpeg');
    expect(Buffer.from(await signed.arrayBuffer()).equals(bytes)).toBe(true);
  });

  it('redirects a signed link’s holder to a URL that expires no later than their link', async () => {
    const { body } = await postUpload(upload.url, await upload.userToken(USER_A), wxUploadBody(await jpeg(40, 40)));
    const exp = Math.floor(Date.now() / 1000) + 20;
    const redirect = await fetch(
      `${upload.url}/api/uploads/${body.id}/content?exp=${exp}&sig=${signLink(upload.env.UPLOAD_URL_SIGNING_SECRET, body.id, exp)}`,
      { redirect: 'manual' },
    );
    expect(redirect.status).toBe(302);
    const expires = Number(/X-Amz-Expires=(\d+)/.exec(redirect.headers.get('location')!)![1]);
    expect(expires).toBeGreaterThan(0);
    expect(expires).toBeLessThanOrEqual(20);
  });
});
