/** Every type the service can recognise from a file's first bytes; UPLOAD_ALLOWED_TYPES picks among them. */
export const DETECTABLE_TYPES = [
  'image/jpeg',
  'image/png',
  'image/gif',
  'image/webp',
  'image/avif',
  'image/heic',
  'application/pdf',
  'video/mp4',
  'video/quicktime',
  'audio/mpeg',
];

/** Types we recognise only to name them when refusing them. */
const REFUSED_SIGNATURES: { mime: string; test: (head: Buffer) => boolean }[] = [
  { mime: 'application/x-msdownload', test: (h) => startsWith(h, [0x4d, 0x5a]) },
  { mime: 'application/x-elf', test: (h) => startsWith(h, [0x7f, 0x45, 0x4c, 0x46]) },
  { mime: 'application/zip', test: (h) => startsWith(h, [0x50, 0x4b, 0x03, 0x04]) },
  { mime: 'application/x-sh', test: (h) => ascii(h, 0, 2) === '#!' },
  { mime: 'text/html', test: (h) => /^\s*<(!doctype|html|script|svg|\?xml)/i.test(h.subarray(0, 64).toString('latin1')) },
];

/** Bytes needed to tell every detectable type apart. */
export const SNIFF_BYTES = 64;

/** Images whose width and height the service reads while the bytes stream past. */
export const MEASURED_IMAGE_TYPES = new Set(['image/jpeg', 'image/png', 'image/gif', 'image/webp']);
/** Images sharp (prebuilt libvips) can decode, so a thumbnail is made for them. */
export const THUMBNAILED_TYPES = new Set(['image/jpeg', 'image/png', 'image/gif', 'image/webp', 'image/avif']);

const EXTENSIONS: Record<string, string> = {
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  jpe: 'image/jpeg',
  jfif: 'image/jpeg',
  png: 'image/png',
  gif: 'image/gif',
  webp: 'image/webp',
  avif: 'image/avif',
  heic: 'image/heic',
  heif: 'image/heic',
  pdf: 'application/pdf',
  mp4: 'video/mp4',
  m4v: 'video/mp4',
  mov: 'video/quicktime',
  mp3: 'audio/mpeg',
};
/** Extensions that name something executable or renderable as a page: never accepted whatever the bytes are. */
const DANGEROUS_EXTENSIONS = new Set([
  'exe',
  'dll',
  'com',
  'bat',
  'cmd',
  'scr',
  'msi',
  'jar',
  'apk',
  'js',
  'mjs',
  'vbs',
  'ps1',
  'sh',
  'php',
  'html',
  'htm',
  'xhtml',
  'svg',
  'svgz',
  'xml',
]);

function startsWith(head: Buffer, bytes: number[]): boolean {
  return head.length >= bytes.length && bytes.every((byte, i) => head[i] === byte);
}

function ascii(head: Buffer, start: number, end: number): string {
  return head.length >= end ? head.toString('latin1', start, end) : '';
}

function isoMediaType(head: Buffer): string | undefined {
  if (ascii(head, 4, 8) !== 'ftyp') return undefined;
  const brand = ascii(head, 8, 12);
  if (brand === 'avif' || brand === 'avis') return 'image/avif';
  if (['heic', 'heix', 'hevc', 'hevx', 'heim', 'heis', 'mif1', 'msf1'].includes(brand)) return 'image/heic';
  if (brand === 'qt  ') return 'video/quicktime';
  if (['isom', 'iso2', 'iso4', 'iso5', 'iso6', 'mp41', 'mp42', 'avc1', 'dash', 'M4V ', 'MSNV', 'f4v '].includes(brand)) return 'video/mp4';
  return undefined;
}

/** The type a file's first bytes (SNIFF_BYTES of them, or the whole file if shorter) say it is; undefined when none we know. */
export function sniffFileType(head: Buffer): string | undefined {
  if (startsWith(head, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (startsWith(head, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (ascii(head, 0, 6) === 'GIF87a' || ascii(head, 0, 6) === 'GIF89a') return 'image/gif';
  if (ascii(head, 0, 4) === 'RIFF' && ascii(head, 8, 12) === 'WEBP') return 'image/webp';
  if (ascii(head, 0, 5) === '%PDF-') return 'application/pdf';
  if (ascii(head, 0, 3) === 'ID3') return 'audio/mpeg';
  return isoMediaType(head);
}

/** A name for what a refused file looks like (for the error message), or undefined. */
export function describeUnknownType(head: Buffer): string | undefined {
  return REFUSED_SIGNATURES.find((signature) => signature.test(head))?.mime;
}

/** What a filename's extension claims, for comparing with the bytes: a type, `dangerous`, or undefined when it claims nothing we know. */
export function typeClaimedByName(filename: string | undefined): string | undefined {
  const match = /\.([A-Za-z0-9]{1,10})$/.exec(filename ?? '');
  if (!match) return undefined;
  const extension = match[1].toLowerCase();
  if (DANGEROUS_EXTENSIONS.has(extension)) return 'dangerous';
  return EXTENSIONS[extension];
}
