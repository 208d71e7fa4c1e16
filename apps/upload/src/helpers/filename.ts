import { AppError } from '#libs/errors';

/** Longest filename kept, in UTF-8 bytes (what file systems allow). */
export const MAX_FILENAME_BYTES = 255;
// Control characters (NUL included), path separators, and the bidirectional overrides that make
// "photo\u202Egpj.exe" display as "photoexe.jpg".
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const FORBIDDEN = /[\u0000-\u001f\u007f/\\\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

/**
 * The client's filename if it is a plain name, refused with UPLOAD_FILENAME_INVALID otherwise (paths,
 * `..`, NUL and control characters, direction overrides, over 255 bytes). The name is only ever metadata:
 * storage keys are made from ids.
 */
export function checkFilename(name: string | undefined): string | null {
  if (name === undefined || name === '') return null;
  const refuse = (why: string) => new AppError('UPLOAD_FILENAME_INVALID', `The filename is not acceptable: ${why}`, [{ field: 'filename', message: why }]);
  if (Buffer.byteLength(name, 'utf8') > MAX_FILENAME_BYTES) throw refuse(`longer than ${MAX_FILENAME_BYTES} bytes`);
  if (FORBIDDEN.test(name)) throw refuse('it contains a path separator or a control character');
  if (name === '.' || name === '..' || name.trim() === '') throw refuse('it is not a name');
  return name.normalize('NFC');
}

/** `Content-Disposition` for serving a file under its name (ASCII fallback plus RFC 5987 UTF-8 form). */
export function contentDisposition(kind: 'inline' | 'attachment', filename: string | null): string {
  if (!filename) return kind;
  const fallback = filename.replace(/[^A-Za-z0-9._-]/g, '_');
  const encoded = encodeURIComponent(filename).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${kind}; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}
