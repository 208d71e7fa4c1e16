import fc from 'fast-check';
import { querySearchTerms, titleSearchTerms } from './search-terms';

describe('search terms', () => {
  it('indexes CJK titles by characters and pairs', () => {
    expect(titleSearchTerms('有机 大米')).toEqual(['有', '机', '大', '米', '有机', '机大', '大米']);
    expect(querySearchTerms('大米')).toEqual(['大米']);
    expect(querySearchTerms('米')).toEqual(['米']);
  });

  it('finds every substring of a title: its query terms are among the title terms', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 30 }), fc.nat(), fc.nat(), (title, a, b) => {
        const start = a % title.length;
        const end = start + 1 + (b % (title.length - start));
        const terms = new Set(titleSearchTerms(title));
        for (const term of querySearchTerms(title.slice(start, end))) expect(terms.has(term)).toBe(true);
      }),
    );
  });

  it('ignores case, spaces and punctuation', () => {
    expect(querySearchTerms('  Tea, ')).toEqual(querySearchTerms('tea'));
  });
});
