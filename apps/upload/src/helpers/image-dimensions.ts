/** Width and height as a viewer shows them (EXIF rotation applied). */
export interface ImageSize {
  width: number;
  height: number;
}

const JPEG_SOF = new Set([0xc0, 0xc1, 0xc2, 0xc3, 0xc5, 0xc6, 0xc7, 0xc9, 0xca, 0xcb, 0xcd, 0xce, 0xcf]);
const JPEG_STANDALONE = new Set([0x01, 0xd0, 0xd1, 0xd2, 0xd3, 0xd4, 0xd5, 0xd6, 0xd7, 0xd8]);
/** APP1 segments up to this size are kept to read the EXIF orientation. */
const MAX_EXIF_BYTES = 65535;

/** EXIF orientation (1-8) in an APP1 segment's payload, or 1. */
function exifOrientation(payload: Buffer): number {
  if (payload.length < 14 || payload.toString('latin1', 0, 6) !== 'Exif\0\0') return 1;
  const tiff = payload.subarray(6);
  const little = tiff.toString('latin1', 0, 2) === 'II';
  const u16 = (at: number) => (little ? tiff.readUInt16LE(at) : tiff.readUInt16BE(at));
  const u32 = (at: number) => (little ? tiff.readUInt32LE(at) : tiff.readUInt32BE(at));
  try {
    const ifd = u32(4);
    const entries = u16(ifd);
    for (let i = 0; i < entries; i++) {
      const entry = ifd + 2 + i * 12;
      if (u16(entry) === 0x0112) {
        const value = u16(entry + 8);
        return value >= 1 && value <= 8 ? value : 1;
      }
    }
  } catch {
    // A truncated or malformed EXIF block: no rotation.
  }
  return 1;
}

/**
 * Reads an image's size from its bytes as they stream past, holding only a few bytes (and at most one EXIF
 * block) at a time: the header for PNG, GIF and WebP, the first frame header for JPEG, however far into the file.
 */
export class ImageDimensionsProbe {
  private pending: Buffer = Buffer.alloc(0);
  private skip = 0;
  private seen = 0;
  private orientation = 1;
  private finished = false;
  private found?: ImageSize;

  constructor(private readonly mime: string) {}

  /** The size, once known. */
  get result(): ImageSize | undefined {
    return this.found;
  }

  /** Whether more bytes can still change the answer. */
  get done(): boolean {
    return this.finished;
  }

  feed(chunk: Buffer): void {
    if (this.finished) return;
    if (this.mime === 'image/jpeg') return this.feedJpeg(chunk);
    // The other formats keep their size within the first 30 bytes.
    if (this.seen < 32) this.pending = Buffer.concat([this.pending, chunk.subarray(0, 32 - this.seen)]);
    this.seen += chunk.length;
    if (this.pending.length >= 30) {
      this.found = this.headerSize(this.pending);
      this.finished = true;
    }
  }

  private headerSize(head: Buffer): ImageSize | undefined {
    const size = (width: number, height: number) => (width > 0 && height > 0 ? { width, height } : undefined);
    switch (this.mime) {
      case 'image/png':
        return head.toString('latin1', 12, 16) === 'IHDR' ? size(head.readUInt32BE(16), head.readUInt32BE(20)) : undefined;
      case 'image/gif':
        return size(head.readUInt16LE(6), head.readUInt16LE(8));
      case 'image/webp': {
        const chunk = head.toString('latin1', 12, 16);
        if (chunk === 'VP8 ' && head[23] === 0x9d && head[24] === 0x01 && head[25] === 0x2a)
          return size(head.readUInt16LE(26) & 0x3fff, head.readUInt16LE(28) & 0x3fff);
        if (chunk === 'VP8L' && head[20] === 0x2f) {
          const [b1, b2, b3, b4] = [head[21], head[22], head[23], head[24]];
          return size(1 + (((b2 & 0x3f) << 8) | b1), 1 + (((b4 & 0x0f) << 10) | (b3 << 2) | ((b2 & 0xc0) >> 6)));
        }
        if (chunk === 'VP8X') return size(1 + head.readUIntLE(24, 3), 1 + head.readUIntLE(27, 3));
        return undefined;
      }
      default:
        return undefined;
    }
  }

  private feedJpeg(chunk: Buffer): void {
    if (this.seen === 0) {
      // Skip the SOI marker (FF D8): the file's type was already checked.
      this.seen = chunk.length;
      this.skip = 2;
    } else {
      this.seen += chunk.length;
    }
    if (this.skip >= chunk.length) {
      this.skip -= chunk.length;
      return;
    }
    const rest = chunk.subarray(this.skip);
    this.skip = 0;
    this.pending = this.pending.length ? Buffer.concat([this.pending, rest]) : rest;
    this.walkJpegSegments();
  }

  private walkJpegSegments(): void {
    let data = this.pending;
    while (data.length >= 4) {
      if (data[0] !== 0xff) return this.stop();
      const marker = data[1];
      if (marker === 0xff) {
        data = data.subarray(1);
        continue;
      }
      if (JPEG_STANDALONE.has(marker)) {
        data = data.subarray(2);
        continue;
      }
      if (marker === 0xd9 || marker === 0xda) return this.stop();
      if (JPEG_SOF.has(marker)) {
        if (data.length < 9) break;
        const height = data.readUInt16BE(5);
        const width = data.readUInt16BE(7);
        const swapped = this.orientation >= 5;
        this.found = width > 0 && height > 0 ? (swapped ? { width: height, height: width } : { width, height }) : undefined;
        return this.stop();
      }
      const total = 2 + data.readUInt16BE(2);
      if (marker === 0xe1 && total <= MAX_EXIF_BYTES && this.orientation === 1) {
        // Wait for the whole APP1 segment (bounded by its 16-bit length) to read the orientation.
        if (data.length < total) break;
        this.orientation = exifOrientation(data.subarray(4, total));
      }
      if (data.length >= total) {
        data = data.subarray(total);
        continue;
      }
      this.skip = total - data.length;
      data = Buffer.alloc(0);
      break;
    }
    // Keep a private copy so the stream's chunk can be released.
    this.pending = Buffer.from(data);
  }

  private stop(): void {
    this.finished = true;
    this.pending = Buffer.alloc(0);
  }
}
