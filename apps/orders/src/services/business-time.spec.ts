import fc from 'fast-check';
import { businessDay, newOrderNo, offsetMinutes } from './business-time';

describe('business time', () => {
  it('reads UTC offsets', () => {
    expect(offsetMinutes('+08:00')).toBe(480);
    expect(offsetMinutes('-05:30')).toBe(-330);
    expect(() => offsetMinutes('8')).toThrow();
  });

  it('makes 22-digit order numbers in local time that sort by creation time', () => {
    expect(newOrderNo('+08:00', Date.UTC(2026, 10, 21, 16, 30, 0, 7))).toMatch(/^20261122003000007\d{5}$/);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4e12 }), fc.integer({ min: 1, max: 1e9 }), (t, dt) => {
        const [a, b] = [newOrderNo('+08:00', t), newOrderNo('+08:00', t + dt)];
        expect(a).toMatch(/^\d{22}$/);
        expect(a < b).toBe(true);
      }),
    );
  });

  it('gives a business day as a UTC range and refuses impossible dates', () => {
    expect(businessDay('2026-11-21', '+08:00')).toEqual({ from: new Date('2026-11-20T16:00:00.000Z'), to: new Date('2026-11-21T16:00:00.000Z') });
    expect(() => businessDay('2026-02-30', '+08:00')).toThrow();
    expect(() => businessDay('2026-13-01', '+08:00')).toThrow();
  });
});
