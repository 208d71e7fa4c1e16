import fc from 'fast-check';
import { formatPrice, formatYuan, MAX_PRICE_FEN, parseYuan, priceProblem } from './money';

describe('money: fen in the API, yuan for people', () => {
  it.each([
    [0, '0.00'],
    [1, '0.01'],
    [10, '0.10'],
    [1990, '19.90'],
    [1999, '19.99'],
    [100000000, '1000000.00'],
    [-250, '-2.50'],
  ])('formats %d fen as %s yuan', (fen, yuan) => {
    expect(formatYuan(fen)).toBe(yuan);
  });

  it('shows a price with the yuan sign', () => {
    expect(formatPrice(8800)).toBe('¥88.00');
  });

  it.each([
    ['19.99', 1999],
    ['19.9', 1990],
    ['19.', 1900],
    ['19', 1900],
    ['0.01', 1],
    [' 88 ', 8800],
    ['¥1,299.50', 129950],
    ['0.29', 29],
    ['1.005', null],
    ['-1', null],
    ['1e3', null],
    ['abc', null],
    ['', null],
    ['.5', null],
    ['12.3.4', null],
  ])('parses %j yuan as %j fen', (text, fen) => {
    expect(parseYuan(text)).toBe(fen);
  });

  it('parses back every amount it formats, exactly (no floating-point drift)', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: MAX_PRICE_FEN }), (fen) => parseYuan(formatYuan(fen)) === fen));
  });

  it('gives the form rule for a price field', () => {
    expect([priceProblem(''), priceProblem('x'), priceProblem('1000000.01'), priceProblem('1000000'), priceProblem('0')]).toEqual([
      'required',
      'invalid',
      'tooHigh',
      null,
      null,
    ]);
  });
});
