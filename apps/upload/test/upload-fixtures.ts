import sharp from 'sharp';

/** One part of a hand-made multipart body. */
export interface Part {
  name: string;
  /** Given: a file part (the raw header value is written as is, so tests can put anything in it). */
  filename?: string;
  contentType?: string;
  data: Buffer | string;
}

/** A multipart/form-data body built byte by byte, as wx.uploadFile (or a hostile client) would send it. */
export function multipartBody(parts: Part[], boundary = '----WxUploadBoundary7MA4YWxkTrZu0gW'): { body: Buffer; contentType: string } {
  const chunks: Buffer[] = [];
  for (const part of parts) {
    let head = `--${boundary}\r\nContent-Disposition: form-data; name="${part.name}"`;
    if (part.filename !== undefined) head += `; filename="${part.filename}"`;
    head += '\r\n';
    if (part.contentType) head += `Content-Type: ${part.contentType}\r\n`;
    chunks.push(Buffer.from(`${head}\r\n`, 'utf8'), Buffer.isBuffer(part.data) ? part.data : Buffer.from(part.data), Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}

/** A multipart body shaped like wx.uploadFile's: its formData fields first, then the file in `file`. */
export function wxUploadBody(
  data: Buffer,
  filename = 'tmp_3f9a2c.jpg',
  formData: Record<string, string> = { user: 'test' },
): { body: Buffer; contentType: string } {
  return multipartBody([
    ...Object.entries(formData).map(([name, value]) => ({ name, data: value })),
    { name: 'file', filename, contentType: 'image/jpeg', data },
  ]);
}

/** A real JPEG of `width`×`height` (noise makes it large and incompressible when `noise` is set). */
export async function jpeg(width: number, height: number, options: { noise?: boolean; orientation?: number; quality?: number } = {}): Promise<Buffer> {
  const image = options.noise
    ? sharp(Buffer.from(Array.from({ length: width * height * 3 }, () => Math.floor(Math.random() * 256))), { raw: { width, height, channels: 3 } })
    : sharp({ create: { width, height, channels: 3, background: { r: 200, g: 120, b: 40 } } });
  const encoded = image.jpeg({ quality: options.quality ?? 90 });
  return (options.orientation ? encoded.withMetadata({ orientation: options.orientation }) : encoded).toBuffer();
}

export async function png(width: number, height: number, alpha = false): Promise<Buffer> {
  return sharp({ create: { width, height, channels: alpha ? 4 : 3, background: { r: 10, g: 200, b: 90, alpha: alpha ? 0.5 : 1 } } })
    .png()
    .toBuffer();
}

export async function webp(width: number, height: number): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: '#336699' } })
    .webp()
    .toBuffer();
}

export async function gif(width: number, height: number): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: '#993366' } })
    .gif()
    .toBuffer();
}

/** Sends a multipart body to POST /api/uploads and returns status, headers and parsed body. */
export async function postUpload(url: string, token: string | undefined, body: { body: Buffer; contentType: string }, query = '') {
  const headers: Record<string, string> = { 'content-type': body.contentType };
  if (token) headers.authorization = `Bearer ${token}`;
  const response = await fetch(`${url}/api/uploads${query}`, { method: 'POST', headers, body: body.body });
  const text = await response.text();
  let parsed: any = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON
  }
  return { status: response.status, headers: response.headers, body: parsed };
}

/** Polls `check` until it returns a value (not undefined) or `timeoutMs` passes. */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 10000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
