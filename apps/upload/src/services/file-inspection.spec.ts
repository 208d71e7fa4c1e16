import fc from 'fast-check';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import sharp from 'sharp';
import { FileInspector } from './file-inspector';
import { sniffFileType, typeClaimedByName } from './file-type-sniffer';
import { checkFilename, contentDisposition } from './filename';
import { noneMatch, parseRange } from './http-ranges';
import { ImageDimensionsProbe } from './image-dimensions';

const rules = { maxBytes: 10 * 1024 * 1024, allowedTypes: new Set(['image/jpeg', 'image/png', 'image/gif', 'image/webp']), maxImagePixels: 50_000_000 };

async function inspect(data: Buffer, chunkSize: number, extra: Partial<typeof rules & { filename: string }> = {}) {
  const chunks: Buffer[] = [];
  for (let i = 0; i < data.length; i += chunkSize) chunks.push(data.subarray(i, i + chunkSize));
  const inspector = new FileInspector({ ...rules, ...extra });
  const out: Buffer[] = [];
  await pipeline(Readable.from(chunks), inspector, new Writable({ write: (chunk, _e, done) => (out.push(chunk), done()) }));
  expect(Buffer.concat(out).equals(data)).toBe(true);
  return inspector.result;
}

describe('file inspection', () => {
  it('measures every image format whatever the chunking, JPEG after a large EXIF block, with the rotation applied', async () => {
    const exif = await sharp({ create: { width: 300, height: 120, channels: 3, background: '#888' } })
      .jpeg()
      .withExif({ IFD0: { ImageDescription: 'x'.repeat(30000), Copyright: 'test' } })
      .withMetadata({ orientation: 8 })
      .toBuffer();
    const images: [Buffer, string, number, number][] = [
      [exif, 'image/jpeg', 120, 300],
      [await sharp({ create: { width: 33, height: 44, channels: 4, background: '#0008' } }).png().toBuffer(), 'image/png', 33, 44],
      [await sharp({ create: { width: 70, height: 20, channels: 3, background: '#123' } }).webp({ lossless: true }).toBuffer(), 'image/webp', 70, 20],
      [await sharp({ create: { width: 70, height: 20, channels: 4, background: '#1234' } }).webp().toBuffer(), 'image/webp', 70, 20],
      [await sharp({ create: { width: 5, height: 9, channels: 3, background: '#123' } }).gif().toBuffer(), 'image/gif', 5, 9],
    ];
    for (const [data, mime, width, height] of images) {
      for (const chunkSize of [1, 7, 64, 4096, data.length]) {
        expect(await inspect(data, chunkSize)).toMatchObject({ mime, size: data.length, image: { width, height } });
      }
    }
  });

  it('never throws on random bytes, only refuses them', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 0, maxLength: 300 }), fc.integer({ min: 1, max: 50 }), async (bytes, chunkSize) => {
        const jpegLike = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff]), Buffer.from(bytes)]);
        await inspect(jpegLike, chunkSize).then(
          (result) => expect(result.mime).toBe('image/jpeg'),
          (error: { code?: string }) => expect(['UPLOAD_IMAGE_INVALID', 'UPLOAD_TOO_LARGE']).toContain(error.code),
        );
        const probe = new ImageDimensionsProbe('image/png');
        probe.feed(Buffer.from(bytes));
      }),
      { numRuns: 200 },
    );
  });

  it('sniffs types and compares them with names', () => {
    expect(sniffFileType(Buffer.from('%PDF-1.4'))).toBe('application/pdf');
    expect(sniffFileType(Buffer.concat([Buffer.from([0, 0, 0, 0x1c]), Buffer.from('ftypavif')]))).toBe('image/avif');
    expect(sniffFileType(Buffer.from('MZ\x90\x00'))).toBeUndefined();
    expect(typeClaimedByName('a.JPEG')).toBe('image/jpeg');
    expect(typeClaimedByName('a.exe')).toBe('dangerous');
    expect(typeClaimedByName('tmp_file')).toBeUndefined();
  });

  it('accepts plain names only, and writes safe Content-Disposition values', () => {
    expect(checkFilename('照片.jpg')).toBe('照片.jpg');
    expect(checkFilename(undefined)).toBeNull();
    for (const bad of ['a/b.jpg', 'a\\b.jpg', 'a\u0000b', '..', 'x'.repeat(256), 'é'.repeat(128), 'a\u202eb']) expect(() => checkFilename(bad)).toThrow();
    expect(contentDisposition('inline', '照片 "1".jpg')).toBe(`inline; filename="____1_.jpg"; filename*=UTF-8''%E7%85%A7%E7%89%87%20%221%22.jpg`);
  });

  it('parses byte ranges as RFC 9110 says', () => {
    expect(parseRange(undefined, 100)).toEqual({ kind: 'full' });
    expect(parseRange('bytes=0-0', 100)).toEqual({ kind: 'partial', range: { start: 0, end: 0 } });
    expect(parseRange('bytes=90-200', 100)).toEqual({ kind: 'partial', range: { start: 90, end: 99 } });
    expect(parseRange('bytes=-500', 100)).toEqual({ kind: 'partial', range: { start: 0, end: 99 } });
    expect(parseRange('bytes=100-', 100)).toEqual({ kind: 'unsatisfiable' });
    expect(parseRange('bytes=-0', 100)).toEqual({ kind: 'unsatisfiable' });
    for (const ignored of ['bytes=0-1,5-6', 'items=0-1', 'bytes=5-1', 'bytes=-', 'nonsense']) expect(parseRange(ignored, 100)).toEqual({ kind: 'full' });
    expect(noneMatch('W/"abc", "def"', '"abc"')).toBe(true);
    expect(noneMatch('*', '"x"')).toBe(true);
    expect(noneMatch('"abd"', '"abc"')).toBe(false);
  });
});
