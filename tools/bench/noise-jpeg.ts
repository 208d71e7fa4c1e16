import { randomBytes } from 'node:crypto';
import sharp from 'sharp';

/** A real JPEG of random pixels close to `targetBytes` (noise does not compress). */
export async function noiseJpeg(targetBytes: number): Promise<Buffer> {
  let side = Math.round(Math.sqrt(targetBytes / 2.4));
  for (let attempt = 0; attempt < 6; attempt++) {
    const image = await sharp(randomBytes(side * side * 3), { raw: { width: side, height: side, channels: 3 } })
      .jpeg({ quality: 92 })
      .toBuffer();
    if (Math.abs(image.length - targetBytes) / targetBytes < 0.05) return image;
    side = Math.round(side * Math.sqrt(targetBytes / image.length));
  }
  throw new Error(`could not make a ${targetBytes}-byte JPEG`);
}
