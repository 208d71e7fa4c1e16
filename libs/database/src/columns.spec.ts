import { bigintNumber, stringList } from './columns';

describe('column transformers', () => {
  it('reads a BIGINT string as a number and leaves NULL alone', () => {
    expect(bigintNumber.from('9007199254740991')).toBe(9007199254740991);
    expect(bigintNumber.from(null)).toBeNull();
    expect(bigintNumber.to(42)).toBe(42);
  });

  it('keeps a list of strings as JSON text, an empty list for NULL', () => {
    expect(stringList.to(['a', 'b'])).toBe('["a","b"]');
    expect(stringList.to(undefined)).toBe('[]');
    expect(stringList.from('["a","b"]')).toEqual(['a', 'b']);
    expect(stringList.from(null)).toEqual([]);
  });
});
