import { noneMatch, parseRange } from './http-ranges';

describe('HTTP ranges and validators', () => {
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
