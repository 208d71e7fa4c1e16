import fc from 'fast-check';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import sharp from 'sharp';
import { FileInspector } from './file-inspector';
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

describe('FileInspector', () => {
  it('measures every image format whatever the chunking, JPEG after a large EXIF block, with the rotation applied', async () => {
    const exif = await sharp({ create: { width: 300, height: 120, channels: 3, background: '#888' } })
      .jpeg()
      .withExif({ IFD0: { ImageDescription: 'x'.repeat(30000), Copyright: 'test' } })
      .withMetadata({ orientation: 8 })
      .toBuffer();
    const images: [Buffer, string, number, number][] = [
      [exif, 'image/jpeg', 120, 300],
      [
        await sharp({ create: { width: 33, height: 44, channels: 4, background: '#0008' } })
          .png()
          .toBuffer(),
        'image/png',
        33,
        44,
      ],
      [
        await sharp({ create: { width: 70, height: 20, channels: 3, background: '#123' } })
          .webp({ lossless: true })
          .toBuffer(),
        'image/webp',
        70,
        20,
      ],
      [
        await sharp({ create: { width: 70, height: 20, channels: 4, background: '#1234' } })
          .webp()
          .toBuffer(),
        'image/webp',
        70,
        20,
      ],
      [
        await sharp({ create: { width: 5, height: 9, channels: 3, background: '#123' } })
          .gif()
          .toBuffer(),
        'image/gif',
        5,
        9,
      ],
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
});
