import sharp from 'sharp';
import { requestJson } from '#libs/testing';
import { eventually, gif, jpeg, multipartBody, png, postUpload, webp, wxUploadBody } from './upload-fixtures';
import { signLink, STAFF, startUploadHarness, UploadHarness, USER_A, USER_B } from './upload-test-harness';

describe('upload service with the local driver (real MariaDB, Redis, disk)', () => {
  let upload: UploadHarness;
  let alice: string;
  let bob: string;
  let staff: string;

  beforeAll(async () => {
    upload = await startUploadHarness();
    [alice, bob, staff] = await Promise.all([upload.userToken(USER_A), upload.userToken(USER_B), upload.staffToken(STAFF)]);
  });
  afterAll(() => upload?.close());

  it('stores a JPEG sent as wx.uploadFile sends it and answers the contract’s reply', async () => {
    const bytes = await jpeg(640, 480);
    const reply = await postUpload(
      upload.url,
      alice,
      wxUploadBody(bytes, 'wxfile://tmp_a1b2.jpg'.replace('wxfile://', ''), { user: 'alice', scene: 'avatar' }),
    );
    expect(reply.status).toBe(201);
    expect(reply.body).toMatchObject({
      id: expect.stringMatching(/^[0-9A-Z]{26}$/),
      mime: 'image/jpeg',
      size: bytes.length,
      width: 640,
      height: 480,
      public: false,
    });
    expect(reply.body.url).toMatch(new RegExp(`^/api/uploads/${reply.body.id}/content\\?exp=\\d+&sig=`));
    const rows = await upload.query('SELECT owner_kind, owner_id, mime, size, storage_key FROM uploads WHERE id = ?', [reply.body.id]);
    expect(rows).toEqual([{ owner_kind: 'user', owner_id: USER_A, mime: 'image/jpeg', size: bytes.length, storage_key: expect.stringMatching(/^files\//) }]);
    expect(await upload.query('SELECT * FROM upload_intents')).toEqual([]);

    const content = await fetch(`${upload.url}/api/uploads/${reply.body.id}/content`, { headers: { authorization: `Bearer ${alice}` } });
    expect(content.status).toBe(200);
    expect(content.headers.get('content-type')).toBe('image/jpeg');
    expect(content.headers.get('etag')).toMatch(/^"[0-9a-f]{64}"$/);
    expect(content.headers.get('cache-control')).toBe('private, max-age=3600');
    expect(content.headers.get('accept-ranges')).toBe('bytes');
    expect(content.headers.get('x-content-type-options')).toBe('nosniff');
    expect(Buffer.from(await content.arrayBuffer()).equals(bytes)).toBe(true);
  });

  it('types PNG, GIF and WebP by their bytes, reads their size, and applies the EXIF rotation to JPEG sizes', async () => {
    const cases: [Buffer, string, string, number, number][] = [
      [await png(300, 200, true), 'a.png', 'image/png', 300, 200],
      [await gif(50, 70), 'b.gif', 'image/gif', 50, 70],
      [await webp(120, 90), 'c.webp', 'image/webp', 120, 90],
      [await jpeg(400, 100, { orientation: 6 }), 'd.jpg', 'image/jpeg', 100, 400],
      [await png(10, 10), 'no-extension', 'image/png', 10, 10],
    ];
    for (const [bytes, name, mime, width, height] of cases) {
      const reply = await postUpload(
        upload.url,
        alice,
        multipartBody([{ name: 'file', filename: name, contentType: 'application/octet-stream', data: bytes }]),
      );
      expect({ name, status: reply.status, body: reply.body }).toMatchObject({ name, status: 201, body: { mime, width, height, size: bytes.length } });
    }
  });

  it('honours Range, If-None-Match and If-Range', async () => {
    const bytes = await jpeg(200, 200, { noise: true });
    const { body } = await postUpload(upload.url, alice, wxUploadBody(bytes));
    const url = `${upload.url}/api/uploads/${body.id}/content`;
    const get = (headers: Record<string, string>) => fetch(url, { headers: { authorization: `Bearer ${alice}`, ...headers } });

    const first = await get({ range: 'bytes=0-9' });
    expect(first.status).toBe(206);
    expect(first.headers.get('content-range')).toBe(`bytes 0-9/${bytes.length}`);
    expect(first.headers.get('content-length')).toBe('10');
    expect(Buffer.from(await first.arrayBuffer()).equals(bytes.subarray(0, 10))).toBe(true);

    const tail = await get({ range: 'bytes=-100' });
    expect(tail.status).toBe(206);
    expect(Buffer.from(await tail.arrayBuffer()).equals(bytes.subarray(bytes.length - 100))).toBe(true);

    const open = await get({ range: `bytes=${bytes.length - 5}-` });
    expect(open.headers.get('content-range')).toBe(`bytes ${bytes.length - 5}-${bytes.length - 1}/${bytes.length}`);
    expect((await open.arrayBuffer()).byteLength).toBe(5);

    const outside = await get({ range: `bytes=${bytes.length}-` });
    expect(outside.status).toBe(416);
    expect(outside.headers.get('content-range')).toBe(`bytes */${bytes.length}`);
    expect(await outside.json()).toMatchObject({ statusCode: 416, code: 'UPLOAD_RANGE_NOT_SATISFIABLE' });

    const head = await fetch(url, { method: 'HEAD', headers: { authorization: `Bearer ${alice}` } });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe(String(bytes.length));
    expect((await head.arrayBuffer()).byteLength).toBe(0);

    const etag = first.headers.get('etag')!;
    const cached = await get({ 'if-none-match': etag });
    expect(cached.status).toBe(304);
    expect(cached.headers.get('etag')).toBe(etag);
    expect((await get({ range: 'bytes=0-9', 'if-range': etag })).status).toBe(206);
    const stale = await get({ range: 'bytes=0-9', 'if-range': '"something-else"' });
    expect(stale.status).toBe(200);
    expect((await stale.arrayBuffer()).byteLength).toBe(bytes.length);
  });

  it('makes a thumbnail in the background and serves it once ready (PNG stays PNG when transparent)', async () => {
    for (const [bytes, mime] of [
      [await jpeg(1600, 1200), 'image/jpeg'],
      [await png(800, 400, true), 'image/png'],
    ] as const) {
      const { body } = await postUpload(upload.url, alice, wxUploadBody(bytes, mime === 'image/png' ? 'p.png' : 'j.jpg'));
      const url = `${upload.url}/api/uploads/${body.id}/content?variant=thumb`;
      const thumb = await eventually(async () => {
        const response = await fetch(url, { headers: { authorization: `Bearer ${alice}` } });
        const data = Buffer.from(await response.arrayBuffer());
        if (response.headers.get('cache-control') === 'no-cache') {
          // Not made yet: the original stands in.
          expect(data.equals(bytes)).toBe(true);
          return undefined;
        }
        return { response, data };
      });
      expect(thumb.response.headers.get('content-type')).toBe(mime);
      const meta = await sharp(thumb.data).metadata();
      expect(Math.max(meta.width, meta.height)).toBe(320);
      expect(upload.storedFiles()).toContain(`thumbs/${body.id.slice(-2)}/${body.id}`);
    }
  });

  it('lets only the owner and staff read a private file; another user gets 404; a signed link works alone until tampered with', async () => {
    const { body } = await postUpload(upload.url, alice, wxUploadBody(await jpeg(64, 64)));
    const meta = `${upload.url}/api/uploads/${body.id}`;
    const content = `${meta}/content`;
    expect((await requestJson(meta, { token: alice })).body).toMatchObject({ id: body.id, mime: 'image/jpeg' });
    expect((await requestJson(meta, { token: staff })).status).toBe(200);
    expect((await fetch(content, { headers: { authorization: `Bearer ${staff}` } })).status).toBe(200);
    for (const reply of [
      await requestJson(meta, { token: bob }),
      await requestJson(content, { token: bob }),
      await requestJson(meta),
      await requestJson(content),
    ]) {
      expect(reply.status).toBe(404);
      expect(reply.body).toMatchObject({ code: 'UPLOAD_NOT_FOUND' });
    }
    expect((await requestJson(meta, { method: 'DELETE', token: bob })).body.code).toBe('UPLOAD_NOT_FOUND');

    const signed = await fetch(`${upload.url}${body.url}`);
    expect(signed.status).toBe(200);
    expect(signed.headers.get('content-type')).toBe('image/jpeg');
    expect((await fetch(`${upload.url}${body.thumbUrl}`)).status).toBe(200);
    const tampered = body.url.replace(/sig=./, (s: string) => (s.endsWith('A') ? 'sig=B' : 'sig=A'));
    expect((await fetch(`${upload.url}${tampered}`)).status).toBe(404);
    const expired = body.url.replace(/exp=\d+/, 'exp=1000');
    expect((await fetch(`${upload.url}${expired}`)).status).toBe(404);
    const other = await postUpload(upload.url, bob, wxUploadBody(await jpeg(8, 8)));
    const borrowed = `/api/uploads/${other.body.id}/content${body.url.slice(body.url.indexOf('?'))}`;
    expect((await fetch(`${upload.url}${borrowed}`)).status).toBe(404);
    expect((await requestJson(content, { token: 'not-a-token' })).status).toBe(401);
  });

  it('gives a signed link’s holder that same link back, never a later one; the owner and staff get fresh ones', async () => {
    const { body } = await postUpload(upload.url, alice, wxUploadBody(await jpeg(32, 32)));
    const exp = Math.floor(Date.now() / 1000) + 30;
    const query = `exp=${exp}&sig=${signLink(upload.env.UPLOAD_URL_SIGNING_SECRET, body.id, exp)}`;
    const meta = `${upload.url}/api/uploads/${body.id}?${query}`;
    const held = await requestJson(meta);
    expect(held.status).toBe(200);
    expect({ url: held.body.url, thumbUrl: held.body.thumbUrl }).toEqual({
      url: `/api/uploads/${body.id}/content?${query}`,
      thumbUrl: `/api/uploads/${body.id}/content?variant=thumb&${query}`,
    });
    // Another user holding the link is a holder too; the owner and staff (with or without the link) are not.
    expect((await requestJson(meta, { token: bob })).body.url).toBe(held.body.url);
    for (const token of [alice, staff]) {
      const fresh = await requestJson(meta, { token });
      expect(Number(/exp=(\d+)/.exec(fresh.body.url)![1])).toBeGreaterThan(exp + 3000);
    }
    // The bytes are not cached past the link's expiry either.
    const content = await fetch(`${upload.url}${held.body.url}`);
    expect(content.status).toBe(200);
    const maxAge = Number(/max-age=(\d+)/.exec(content.headers.get('cache-control')!)![1]);
    expect(maxAge).toBeGreaterThan(0);
    expect(maxAge).toBeLessThanOrEqual(30);
    const owners = await fetch(`${upload.url}/api/uploads/${body.id}/content`, { headers: { authorization: `Bearer ${alice}` } });
    expect(owners.headers.get('cache-control')).toBe('private, max-age=3600');
  });

  it('stores public files for staff only; anyone reads them, cached for a year', async () => {
    const refused = await postUpload(upload.url, alice, wxUploadBody(await jpeg(32, 32)), '?public=true');
    expect(refused.status).toBe(403);
    const banner = await postUpload(upload.url, staff, wxUploadBody(await jpeg(750, 300)), '?public=true');
    expect(banner.status).toBe(201);
    expect(banner.body.url).toBe(`/api/uploads/${banner.body.id}/content`);
    const viaField = await postUpload(
      upload.url,
      staff,
      multipartBody([
        { name: 'public', data: 'true' },
        { name: 'file', filename: 'p.jpg', data: await jpeg(20, 20) },
      ]),
    );
    expect(viaField.body.public).toBe(true);
    const anonymous = await fetch(`${upload.url}${banner.body.url}`);
    expect(anonymous.status).toBe(200);
    expect(anonymous.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect((await requestJson(`${upload.url}/api/uploads/${banner.body.id}`)).body).toMatchObject({ public: true, width: 750, height: 300 });
    // Another staff account may delete the shop's files; a user may not.
    expect((await requestJson(`${upload.url}/api/uploads/${banner.body.id}`, { method: 'DELETE', token: alice })).status).toBe(404);
    expect(
      (await requestJson(`${upload.url}/api/uploads/${banner.body.id}`, { method: 'DELETE', token: await upload.staffToken('01HZSTAFF20000000000000000') }))
        .status,
    ).toBe(204);
  });

  it('deletes the row, the object and its thumbnail, and gives the bytes back to the quota', async () => {
    const bytes = await jpeg(500, 500);
    const { body } = await postUpload(upload.url, bob, wxUploadBody(bytes));
    const key = `${body.id.slice(-2)}/${body.id}`;
    await eventually(async () => (upload.storedFiles().includes(`thumbs/${key}`) ? true : undefined));
    const [before] = await upload.query<{ bytes: number }>('SELECT bytes FROM upload_usage WHERE owner_id = ?', [USER_B]);
    const removed = await requestJson(`${upload.url}/api/uploads/${body.id}`, { method: 'DELETE', token: bob });
    expect(removed.status).toBe(204);
    expect(upload.storedFiles().filter((file) => file.includes(body.id))).toEqual([]);
    expect(await upload.query('SELECT id FROM uploads WHERE id = ?', [body.id])).toEqual([]);
    expect(await upload.query('SELECT id FROM upload_intents')).toEqual([]);
    const [after] = await upload.query<{ bytes: number }>('SELECT bytes FROM upload_usage WHERE owner_id = ?', [USER_B]);
    expect(Number(before.bytes) - Number(after.bytes)).toBe(bytes.length);
    expect((await requestJson(`${upload.url}/api/uploads/${body.id}/content`, { token: bob })).status).toBe(404);
    expect((await requestJson(`${upload.url}/api/uploads/${body.id}`, { method: 'DELETE', token: bob })).status).toBe(404);
  });

  it('refuses a presign with the local driver', async () => {
    const reply = await requestJson(`${upload.url}/api/uploads/presign`, { token: alice, body: { filename: 'a.jpg', mime: 'image/jpeg', size: 1000 } });
    expect(reply.status).toBe(501);
    expect(reply.body.code).toBe('UPLOAD_PRESIGN_UNSUPPORTED');
  });
});
