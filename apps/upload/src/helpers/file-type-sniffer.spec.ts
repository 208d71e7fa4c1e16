import { sniffFileType, typeClaimedByName } from './file-type-sniffer';

describe('file type sniffing', () => {
  it('sniffs types and compares them with names', () => {
    expect(sniffFileType(Buffer.from('%PDF-1.4'))).toBe('application/pdf');
    expect(sniffFileType(Buffer.concat([Buffer.from([0, 0, 0, 0x1c]), Buffer.from('ftypavif')]))).toBe('image/avif');
    expect(sniffFileType(Buffer.from('MZ\x90\x00'))).toBeUndefined();
    expect(typeClaimedByName('a.JPEG')).toBe('image/jpeg');
    expect(typeClaimedByName('a.exe')).toBe('dangerous');
    expect(typeClaimedByName('tmp_file')).toBeUndefined();
  });
});
