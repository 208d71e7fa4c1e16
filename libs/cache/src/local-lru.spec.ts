import fc from 'fast-check';
import { LocalLru } from './local-lru';

describe('LocalLru', () => {
  it('never holds more than its bound and keeps the most recently used', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom('get', 'set'), fc.integer({ min: 0, max: 20 })), { maxLength: 200 }), (operations) => {
        const lru = new LocalLru(5);
        for (const [operation, n] of operations) {
          if (operation === 'set') lru.set(`k${n}`, `v${n}`, 60000);
          else lru.get(`k${n}`);
          expect(lru.size).toBeLessThanOrEqual(5);
        }
      }),
    );
    const lru = new LocalLru(2);
    lru.set('a', '1', 1000);
    lru.set('b', '2', 1000);
    lru.get('a');
    lru.set('c', '3', 1000);
    expect(lru.get('a')).toBe('1');
    expect(lru.get('b')).toBeUndefined();
  });

  it('expires entries and drops a prefix', () => {
    const lru = new LocalLru(10);
    lru.set('product:1', 'x', 100, 0);
    lru.set('product:2', 'y', 1000, 0);
    lru.set('home', 'z', 1000, 0);
    expect(lru.get('product:1', 150)).toBeUndefined();
    lru.deletePrefix('product:');
    expect(lru.get('product:2', 150)).toBeUndefined();
    expect(lru.get('home', 150)).toBe('z');
  });
});
