import { request as httpRequest } from 'node:http';
import { requestJson } from '#libs/testing';
import { eventually, jpeg, multipartBody, png, postUpload, wxUploadBody } from './upload-fixtures';
import { startUploadHarness, UploadHarness, USER_A, USER_B } from './upload-test-harness';

const MAX_BYTES = 200 * 1024;
const QUOTA_BYTES = 300 * 1024;
/** What no error body may show. */
const LEAKS = /\bat \S+ \(|\.(ts|js):\d+|\/tmp\/|\/work\/|node_modules|\bSELECT\b|\bINSERT\b|ER_[A-Z_]+|stack/i;

/** Sends a body in chunks without Content-Length (chunked), as a client streaming an unknown length does. */
function postChunked(url: string, token: string, contentType: string, chunks: Iterable<Buffer>): Promise<{ status: number; body: any; sentBytes: number }> {
  return new Promise((resolve, reject) => {
    const target = new URL(`${url}/api/uploads`);
    let sentBytes = 0;
    const req = httpRequest(
      {
        host: target.hostname,
        port: target.port,
        path: target.pathname,
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': contentType },
      },
      (res) => {
        let text = '';
        res.on('data', (chunk) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(text), sentBytes }));
      },
    );
    req.on('error', reject);
    const iterator = chunks[Symbol.iterator]();
    const pump = () => {
      for (;;) {
        const next = iterator.next();
        if (next.done) return req.end();
        sentBytes += next.value.length;
        if (!req.write(next.value)) return req.once('drain', pump);
      }
    };
    pump();
  });
}

describe('bad uploads are refused with a clear error and store nothing (local driver)', () => {
  let upload: UploadHarness;
  let alice: string;

  const expectNothingStored = async () => {
    expect(await upload.query('SELECT id FROM uploads WHERE owner_id = ?', [USER_A])).toEqual([]);
    expect(await upload.query('SELECT id FROM upload_intents')).toEqual([]);
    // A thumbnail job that raced a deletion removes its own file a moment later.
    await eventually(async () => (upload.storedFiles().filter((file) => !file.startsWith('.spool')).length === 0 ? true : undefined), 5000).catch(
      () => undefined,
    );
    expect(upload.storedFiles().filter((file) => !file.startsWith('.spool'))).toEqual([]);
  };
  const expectRefused = (reply: { status: number; body: any; headers?: Headers }, status: number, code: string) => {
    expect({ status: reply.status, code: reply.body?.code }).toEqual({ status, code });
    expect(reply.body).toMatchObject({ statusCode: status, message: expect.any(String), requestId: expect.any(String) });
    expect(JSON.stringify(reply.body)).not.toMatch(LEAKS);
  };

  beforeAll(async () => {
    upload = await startUploadHarness({
      env: { UPLOAD_MAX_BYTES: String(MAX_BYTES), UPLOAD_USER_QUOTA_BYTES: String(QUOTA_BYTES), UPLOAD_MAX_IMAGE_PIXELS: '4000000' },
    });
    alice = await upload.userToken(USER_A);
  });
  afterAll(() => upload?.close());

  it('needs a token', async () => {
    expectRefused(await postUpload(upload.url, undefined, wxUploadBody(await jpeg(10, 10))), 401, 'UNAUTHENTICATED');
  });

  it('refuses a body that is not multipart (415), a form without a file, or the file in another field (400)', async () => {
    expectRefused((await requestJson(`${upload.url}/api/uploads`, { token: alice, body: { file: 'aGVsbG8=' } })) as any, 415, 'UNSUPPORTED_MEDIA_TYPE');
    expectRefused(await postUpload(upload.url, alice, multipartBody([{ name: 'user', data: 'alice' }])), 400, 'UPLOAD_FILE_MISSING');
    expectRefused(
      await postUpload(upload.url, alice, multipartBody([{ name: 'image', filename: 'a.jpg', data: await jpeg(10, 10) }])),
      400,
      'UPLOAD_FILE_MISSING',
    );
    const broken = await postUpload(upload.url, alice, {
      body: Buffer.from('--b\r\nContent-Disposition: form-data; name="file"; filename="a.jpg"\r\n\r\nabc'),
      contentType: 'multipart/form-data; boundary=b',
    });
    expect(broken.status).toBe(400);
    expect(await upload.query('SELECT id FROM uploads')).toEqual([]);
    await expectNothingStored();
  });

  it('refuses two file parts (400, details on "file") rather than keeping one, and stores neither', async () => {
    const [first, second] = [await jpeg(16, 16), await png(8, 8)];
    for (const parts of [
      [
        { name: 'file', filename: 'a.jpg', contentType: 'image/jpeg', data: first },
        { name: 'file', filename: 'b.png', contentType: 'image/png', data: second },
      ],
      [
        { name: 'user', data: 'alice' },
        { name: 'file', filename: 'a.jpg', data: first },
        { name: 'extra', filename: 'b.png', data: second },
        { name: 'scene', data: 'x' },
      ],
    ]) {
      const reply = await postUpload(upload.url, alice, multipartBody(parts));
      expectRefused(reply, 400, 'VALIDATION_FAILED');
      expect(reply.body.details).toEqual([{ field: 'file', message: expect.any(String) }]);
      await expectNothingStored();
    }
    const one = await postUpload(
      upload.url,
      alice,
      multipartBody([
        { name: 'file', filename: 'a.jpg', data: first },
        { name: 'scene', data: 'after the file' },
      ]),
    );
    expect(one.status).toBe(201);
    expect((await requestJson(`${upload.url}/api/uploads/${one.body.id}`, { method: 'DELETE', token: alice })).status).toBe(204);
    await expectNothingStored();
  });

  it('refuses an empty file', async () => {
    expectRefused(await postUpload(upload.url, alice, wxUploadBody(Buffer.alloc(0))), 400, 'UPLOAD_EMPTY');
    await expectNothingStored();
  });

  it('answers 413 from the Content-Length alone, before reading the body', async () => {
    const big = Buffer.alloc(8 * 1024 * 1024, 1);
    const started = Date.now();
    const reply = await postUpload(upload.url, alice, wxUploadBody(Buffer.concat([await jpeg(10, 10), big])));
    expectRefused(reply, 413, 'UPLOAD_TOO_LARGE');
    expect(reply.headers.get('connection')).toBe('close');
    expect(Date.now() - started).toBeLessThan(2000);
    await expectNothingStored();
  });

  it('answers 413 one byte past the limit when the length is not announced, without reading the rest', async () => {
    const { body: head, contentType } = multipartBody([{ name: 'file', filename: 'big.jpg', data: await jpeg(16, 16) }]);
    const preamble = head.subarray(0, head.indexOf(Buffer.from('\r\n--', 'latin1'), 10));
    const total = 50 * 1024 * 1024;
    function* chunks() {
      yield preamble;
      for (let sent = 0; sent < total; sent += 64 * 1024) yield Buffer.alloc(64 * 1024, 7);
    }
    const reply = await postChunked(upload.url, alice, contentType, chunks()).catch((error: Error) => ({
      status: 0,
      body: { code: error.message },
      sentBytes: 0,
    }));
    expect(reply.status).toBe(413);
    expect(reply.body.code).toBe('UPLOAD_TOO_LARGE');
    expect(reply.sentBytes).toBeLessThan(total / 2);
    await expectNothingStored();
  });

  it('refuses a file just over the limit and accepts one exactly at it', async () => {
    const atLimit = Buffer.concat([await jpeg(16, 16)]);
    const padded = Buffer.concat([atLimit, Buffer.alloc(MAX_BYTES - atLimit.length, 0)]);
    const over = Buffer.concat([padded, Buffer.from([0])]);
    expectRefused(await postUpload(upload.url, alice, wxUploadBody(over)), 413, 'UPLOAD_TOO_LARGE');
    await expectNothingStored();
    const ok = await postUpload(upload.url, alice, wxUploadBody(padded));
    expect(ok.status).toBe(201);
    expect(ok.body.size).toBe(MAX_BYTES);
    // Its thumbnail job settles first, so that it writes nothing while the next tests look for stray files.
    await eventually(
      async () =>
        (await upload.query<{ thumb_status: string }>('SELECT thumb_status FROM uploads WHERE id = ?', [ok.body.id]))[0].thumb_status !== 'pending'
          ? true
          : undefined,
      15000,
    );
    expect((await requestJson(`${upload.url}/api/uploads/${ok.body.id}`, { method: 'DELETE', token: alice })).status).toBe(204);
  });

  it('refuses types the bytes show are not allowed (415), whatever the name and header say', async () => {
    const exe = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(600, 0x90)]);
    const renamed = await postUpload(upload.url, alice, multipartBody([{ name: 'file', filename: 'photo.jpg', contentType: 'image/jpeg', data: exe }]));
    expectRefused(renamed, 415, 'UPLOAD_TYPE_NOT_ALLOWED');
    expect(renamed.body.message).toMatch(/x-msdownload/);
    for (const data of [
      Buffer.from('just some text, not an image at all, long enough to be sniffed properly ok'),
      Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
      Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n'),
    ]) {
      expectRefused(
        await postUpload(upload.url, alice, multipartBody([{ name: 'file', filename: 'x.jpg', contentType: 'image/jpeg', data }])),
        415,
        'UPLOAD_TYPE_NOT_ALLOWED',
      );
    }
    await expectNothingStored();
  });

  it('refuses bytes that do not match the name (415), and names that claim an executable', async () => {
    expectRefused(await postUpload(upload.url, alice, wxUploadBody(await jpeg(10, 10), 'picture.png')), 415, 'UPLOAD_TYPE_MISMATCH');
    expectRefused(await postUpload(upload.url, alice, wxUploadBody(await png(10, 10), 'setup.exe')), 415, 'UPLOAD_TYPE_MISMATCH');
    expectRefused(await postUpload(upload.url, alice, wxUploadBody(await png(10, 10), 'page.html')), 415, 'UPLOAD_TYPE_MISMATCH');
    await expectNothingStored();
  });

  it('refuses path tricks, NUL and control characters, direction overrides and very long names in the filename', async () => {
    const bytes = await jpeg(10, 10);
    const names = [
      '../../etc/passwd.jpg',
      '..\\..\\boot.ini.jpg',
      '/etc/x.jpg',
      'a\u0000.jpg',
      'tab\there.jpg',
      'photo\u202Egpj.exe',
      `${'n'.repeat(300)}.jpg`,
      '..',
      '   ',
    ];
    for (const filename of names) {
      const reply = await postUpload(upload.url, alice, wxUploadBody(bytes, filename));
      expect({ filename, status: reply.status, code: reply.body.code }).toEqual({ filename, status: 400, code: 'UPLOAD_FILENAME_INVALID' });
    }
    const encodedNul = await postUpload(upload.url, alice, {
      body: Buffer.concat([
        Buffer.from('--b\r\nContent-Disposition: form-data; name="file"; filename*=UTF-8\'\'evil%00.jpg\r\n\r\n'),
        bytes,
        Buffer.from('\r\n--b--\r\n'),
      ]),
      contentType: 'multipart/form-data; boundary=b',
    });
    expect(encodedNul.body.code).toBe('UPLOAD_FILENAME_INVALID');
    await expectNothingStored();
    const unicode = await postUpload(upload.url, alice, wxUploadBody(bytes, '微信图片_2024.jpg'));
    expect(unicode.status).toBe(201);
    expect(unicode.body.filename).toBe('微信图片_2024.jpg');
    await requestJson(`${upload.url}/api/uploads/${unicode.body.id}`, { method: 'DELETE', token: alice });
  });

  it('refuses a damaged image (422) and one with too many pixels (413)', async () => {
    const bytes = await jpeg(100, 100);
    const noFrame = Buffer.concat([bytes.subarray(0, 20), Buffer.from([0xff, 0xd9])]);
    expectRefused(await postUpload(upload.url, alice, wxUploadBody(noFrame)), 422, 'UPLOAD_IMAGE_INVALID');
    const huge = Buffer.from(await png(10, 10));
    huge.writeUInt32BE(5000, 16);
    huge.writeUInt32BE(5000, 20);
    expectRefused(await postUpload(upload.url, alice, wxUploadBody(huge, 'huge.png')), 413, 'UPLOAD_TOO_LARGE');
    await expectNothingStored();
  });

  it('keeps each user within the quota (413 UPLOAD_QUOTA_EXCEEDED), counting only their own files', async () => {
    const file = Buffer.concat([await jpeg(16, 16), Buffer.alloc(120 * 1024, 0)]);
    const first = await postUpload(upload.url, alice, wxUploadBody(file));
    const second = await postUpload(upload.url, alice, wxUploadBody(file));
    expect([first.status, second.status]).toEqual([201, 201]);
    expectRefused(await postUpload(upload.url, alice, wxUploadBody(file)), 413, 'UPLOAD_QUOTA_EXCEEDED');
    const bobs = await postUpload(upload.url, await upload.userToken(USER_B), wxUploadBody(file));
    expect(bobs.status).toBe(201);
    await requestJson(`${upload.url}/api/uploads/${bobs.body.id}`, { method: 'DELETE', token: await upload.userToken(USER_B) });
    const [usage] = await upload.query<{ bytes: number; files: number }>('SELECT bytes, files FROM upload_usage WHERE owner_id = ?', [USER_A]);
    expect({ bytes: Number(usage.bytes), files: usage.files }).toEqual({ bytes: 2 * file.length, files: 2 });
    for (const id of [first.body.id, second.body.id]) await requestJson(`${upload.url}/api/uploads/${id}`, { method: 'DELETE', token: alice });
    await expectNothingStored();
  });

  it('holds the quota under concurrent uploads', async () => {
    const file = Buffer.concat([await jpeg(16, 16), Buffer.alloc(90 * 1024, 0)]);
    const replies = await Promise.all(Array.from({ length: 6 }, () => postUpload(upload.url, alice, wxUploadBody(file))));
    const stored = replies.filter((reply) => reply.status === 201);
    expect(stored).toHaveLength(3);
    expect(replies.filter((reply) => reply.status === 413).every((reply) => reply.body.code === 'UPLOAD_QUOTA_EXCEEDED')).toBe(true);
    const [usage] = await upload.query<{ bytes: number }>('SELECT bytes FROM upload_usage WHERE owner_id = ?', [USER_A]);
    expect(Number(usage.bytes)).toBe(3 * file.length);
    for (const reply of stored) await requestJson(`${upload.url}/api/uploads/${reply.body.id}`, { method: 'DELETE', token: alice });
    await expectNothingStored();
  });

  it('leaves nothing when the client goes away in the middle of the file', async () => {
    const { body, contentType } = wxUploadBody(Buffer.concat([await jpeg(16, 16), Buffer.alloc(150 * 1024, 3)]));
    await new Promise<void>((resolve) => {
      const target = new URL(`${upload.url}/api/uploads`);
      const req = httpRequest({
        host: target.hostname,
        port: target.port,
        path: target.pathname,
        method: 'POST',
        headers: { authorization: `Bearer ${alice}`, 'content-type': contentType, 'content-length': body.length },
      });
      req.on('error', () => resolve());
      req.write(body.subarray(0, 60 * 1024), () =>
        setTimeout(() => {
          req.destroy();
          resolve();
        }, 200),
      );
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    await expectNothingStored();
  });

  it('validates ids and queries like any route', async () => {
    expectRefused((await requestJson(`${upload.url}/api/uploads/not-an-id`, { token: alice })) as any, 400, 'VALIDATION_FAILED');
    expectRefused(
      (await requestJson(`${upload.url}/api/uploads/01HZUSERA00000000000000000/content?variant=huge`, { token: alice })) as any,
      400,
      'VALIDATION_FAILED',
    );
    expectRefused(await postUpload(upload.url, alice, wxUploadBody(await jpeg(8, 8)), '?public=yes'), 400, 'VALIDATION_FAILED');
    expectRefused(await postUpload(upload.url, alice, wxUploadBody(await jpeg(8, 8)), '?owner=someone'), 400, 'VALIDATION_FAILED');
    expectRefused(
      (await requestJson(`${upload.url}/api/uploads/presign`, { token: alice, body: { filename: 'a.jpg', mime: 'image/jpeg', size: 10, extra: 1 } })) as any,
      400,
      'VALIDATION_FAILED',
    );
    await expectNothingStored();
  });
});
