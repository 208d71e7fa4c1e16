import { couponBody, couponFieldProblem, couponFormOf, emptyCouponForm } from './coupon-form';
import type { CouponForm } from './coupon-form';

const start = new Date('2030-01-01T00:00:00.000Z');
const end = new Date('2030-02-01T00:00:00.000Z');
const form = (overrides: Partial<CouponForm> = {}): CouponForm => ({
  ...emptyCouponForm(start),
  name: '新人券',
  amountYuan: '10',
  minSpendYuan: '99.90',
  endsAt: end,
  ...overrides,
});

describe('coupon form', () => {
  it('sends fen for the yuan typed, and only the amount of its kind', () => {
    expect(couponBody(form())).toEqual({
      name: '新人券',
      kind: 'amount',
      amountFen: 1000,
      minSpendFen: 9990,
      total: 100,
      perUserLimit: 1,
      startsAt: start.toISOString(),
      endsAt: end.toISOString(),
    });
    const percent = couponBody(form({ kind: 'percent', percentOff: 15, amountYuan: 'ignored' }));
    expect(percent).toMatchObject({ kind: 'percent', percentOff: 15 });
    expect(percent).not.toHaveProperty('amountFen');
  });

  it('reads an empty minimum spend as no minimum', () => {
    expect(couponBody(form({ minSpendYuan: '' }))?.minSpendFen).toBe(0);
  });

  it.each<[Partial<CouponForm>, string, string]>([
    [{ name: '  ' }, 'name', 'nameRequired'],
    [{ name: 'x'.repeat(65) }, 'name', 'nameTooLong'],
    [{ amountYuan: '' }, 'amountYuan', 'amountInvalid'],
    [{ amountYuan: '0' }, 'amountYuan', 'amountInvalid'],
    [{ amountYuan: '1.234' }, 'amountYuan', 'amountInvalid'],
    [{ kind: 'percent', percentOff: null }, 'percentOff', 'percentInvalid'],
    [{ kind: 'percent', percentOff: 100 }, 'percentOff', 'percentInvalid'],
    [{ minSpendYuan: '-1' }, 'minSpendYuan', 'minSpendInvalid'],
    [{ total: 0 }, 'total', 'totalInvalid'],
    [{ total: 1.5 }, 'total', 'totalInvalid'],
    [{ perUserLimit: 101 }, 'perUserLimit', 'perUserInvalid'],
    [{ startsAt: null }, 'startsAt', 'startsRequired'],
    [{ endsAt: null }, 'endsAt', 'endsRequired'],
    [{ endsAt: start }, 'endsAt', 'endsBeforeStart'],
  ])('refuses %j: %s is %s, and sends nothing', (overrides, field, problem) => {
    const invalid = form(overrides);
    expect(couponFieldProblem(invalid, field as never)).toBe(problem);
    expect(couponBody(invalid)).toBeNull();
  });

  it('does not check the amount of the other kind', () => {
    expect(couponFieldProblem(form({ kind: 'percent', percentOff: 20, amountYuan: '' }), 'amountYuan')).toBeNull();
    expect(couponFieldProblem(form({ percentOff: null }), 'percentOff')).toBeNull();
  });

  it('fills the form from a coupon in yuan, and sends back the same fen', () => {
    const coupon = {
      id: 'c1',
      name: '满减',
      kind: 'amount' as const,
      amountFen: 1999,
      percentOff: null,
      minSpendFen: 10000,
      perUserLimit: 2,
      remaining: 5,
      startsAt: start.toISOString(),
      endsAt: end.toISOString(),
      productIds: [],
      categoryIds: [],
      total: 10,
      claimed: 5,
      createdAt: start.toISOString(),
      updatedAt: start.toISOString(),
    };
    const filled = couponFormOf(coupon);
    expect(filled).toMatchObject({ amountYuan: '19.99', minSpendYuan: '100.00', total: 10, perUserLimit: 2 });
    expect(couponBody(filled)).toMatchObject({ amountFen: 1999, minSpendFen: 10000, total: 10, perUserLimit: 2 });
  });
});
