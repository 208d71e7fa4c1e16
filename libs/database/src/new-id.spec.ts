import fc from 'fast-check';
import { isId, newId } from './new-id';

describe('newId', () => {
  it('makes 26-character ids that sort by creation time', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 47 }), fc.integer({ min: 1, max: 2 ** 20 }), (t, dt) => {
        const [a, b] = [newId(t), newId(t + dt)];
        expect(isId(a) && isId(b)).toBe(true);
        expect(a < b).toBe(true);
      }),
    );
  });

  it('does not repeat', () => {
    const ids = new Set(Array.from({ length: 10000 }, () => newId()));
    expect(ids.size).toBe(10000);
  });
});
