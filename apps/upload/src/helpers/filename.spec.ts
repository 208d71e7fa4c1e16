import { checkFilename, contentDisposition } from './filename';

describe('filenames', () => {
  it('accepts plain names only, and writes safe Content-Disposition values', () => {
    expect(checkFilename('照片.jpg')).toBe('照片.jpg');
    expect(checkFilename(undefined)).toBeNull();
    for (const bad of ['a/b.jpg', 'a\\b.jpg', 'a\u0000b', '..', 'x'.repeat(256), 'é'.repeat(128), 'a\u202eb']) expect(() => checkFilename(bad)).toThrow();
    expect(contentDisposition('inline', '照片 "1".jpg')).toBe(`inline; filename="____1_.jpg"; filename*=UTF-8''%E7%85%A7%E7%89%87%20%221%22.jpg`);
  });
});
