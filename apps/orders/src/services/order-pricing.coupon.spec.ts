import fc from 'fast-check';
import { couponDiscount, CouponTerms, Discount, DiscountLine, inCouponScope } from './order-pricing';

const PRODUCTS = ['01PRODUCTA0000000000000000', '01PRODUCTB0000000000000000', '01PRODUCTC0000000000000000'];
const CATEGORIES = ['01CATEGORYA000000000000000', '01CATEGORYB000000000000000'];

const line = fc.record<DiscountLine>({
  productId: fc.constantFrom(...PRODUCTS),
  categoryId: fc.option(fc.constantFrom(...CATEGORIES), { nil: null }),
  subtotalFen: fc.oneof(fc.integer({ min: 0, max: 100 }), fc.integer({ min: 0, max: 2_000_000_000 })),
});
const cart = fc.array(line, { minLength: 1, maxLength: 50 }).filter((lines) => {
  const total = lines.reduce((sum, item) => sum + item.subtotalFen, 0);
  return total >= 1 && total <= 2_000_000_000;
});
const scope = { productIds: fc.subarray(PRODUCTS), categoryIds: fc.subarray(CATEGORIES) };
const coupon: fc.Arbitrary<CouponTerms> = fc.oneof(
  fc.record({
    kind: fc.constant('amount' as const),
    amountFen: fc.oneof(fc.integer({ min: 1, max: 1000 }), fc.integer({ min: 1, max: 2_000_000_000 })),
    percentOff: fc.constant(null),
    minSpendFen: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 5000 })),
    ...scope,
  }),
  fc.record({
    kind: fc.constant('percent' as const),
    amountFen: fc.constant(null),
    percentOff: fc.integer({ min: 1, max: 100 }),
    minSpendFen: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 5000 })),
    ...scope,
  }),
);
const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);
const everywhere = { productIds: [], categoryIds: [], minSpendFen: 0 };

describe('couponDiscount (property-based)', () => {
  it('for any cart and coupon: total = lines − discount, 0 ≤ discount, total ≥ 1, shares add up to the discount and stay in scope', () => {
    fc.assert(
      fc.property(cart, coupon, (lines, terms) => {
        const result = couponDiscount(terms, lines);
        if (!('discountFen' in result)) return;
        const totalFen = sum(lines.map((item) => item.subtotalFen)) - result.discountFen;
        expect(Number.isInteger(result.discountFen)).toBe(true);
        expect(result.discountFen).toBeGreaterThanOrEqual(0);
        expect(totalFen).toBeGreaterThanOrEqual(1);
        expect(result.lineDiscountsFen).toHaveLength(lines.length);
        expect(sum(result.lineDiscountsFen)).toBe(result.discountFen);
        result.lineDiscountsFen.forEach((share, index) => {
          expect(Number.isInteger(share)).toBe(true);
          expect(share).toBeGreaterThanOrEqual(0);
          expect(share).toBeLessThanOrEqual(lines[index].subtotalFen);
          if (!inCouponScope(terms, lines[index])) expect(share).toBe(0);
        });
      }),
      { numRuns: 2000 },
    );
  });

  it('refuses exactly when no line is in scope or the lines in scope spend less than the minimum', () => {
    fc.assert(
      fc.property(cart, coupon, (lines, terms) => {
        const inScope = lines.filter((item) => inCouponScope(terms, item));
        const eligibleFen = sum(inScope.map((item) => item.subtotalFen));
        const result = couponDiscount(terms, lines);
        if (!inScope.length) expect(result).toEqual({ reason: 'out_of_scope' });
        else if (eligibleFen < terms.minSpendFen) expect(result).toEqual({ reason: 'min_spend', eligibleFen, minSpendFen: terms.minSpendFen });
        else expect(result).toHaveProperty('discountFen');
      }),
      { numRuns: 1000 },
    );
  });

  it('takes the whole amount off when the lines in scope can bear it, and never more than those lines', () => {
    fc.assert(
      fc.property(cart, coupon, (lines, terms) => {
        const result = couponDiscount(terms, lines) as Discount;
        if (!('discountFen' in result)) return;
        const eligibleFen = sum(lines.filter((item) => inCouponScope(terms, item)).map((item) => item.subtotalFen));
        const totalFen = sum(lines.map((item) => item.subtotalFen));
        const raw = terms.kind === 'amount' ? terms.amountFen! : Math.floor((eligibleFen * terms.percentOff!) / 100);
        expect(result.discountFen).toBe(Math.min(raw, eligibleFen, totalFen - 1));
      }),
      { numRuns: 1000 },
    );
  });

  it('rounds a percent off down to the fen, and spreads it in proportion with the odd fen to the largest remainders', () => {
    const lines = [
      { productId: PRODUCTS[0], categoryId: null, subtotalFen: 999 },
      { productId: PRODUCTS[1], categoryId: null, subtotalFen: 1 },
    ];
    expect(couponDiscount({ kind: 'percent', amountFen: null, percentOff: 15, ...everywhere }, lines)).toEqual({
      discountFen: 150,
      lineDiscountsFen: [150, 0],
    });
    expect(couponDiscount({ kind: 'percent', amountFen: null, percentOff: 33, ...everywhere }, [{ ...lines[0], subtotalFen: 10 }])).toEqual({
      discountFen: 3,
      lineDiscountsFen: [3],
    });
    const thirds = [1, 1, 1].map((subtotalFen, index) => ({ productId: PRODUCTS[index], categoryId: null, subtotalFen: subtotalFen * 100 }));
    expect(couponDiscount({ kind: 'amount', amountFen: 100, percentOff: null, ...everywhere }, thirds)).toEqual({
      discountFen: 100,
      lineDiscountsFen: [34, 33, 33],
    });
  });

  it('leaves at least 1 fen to pay, and only the lines in scope bear the discount', () => {
    const one = [{ productId: PRODUCTS[0], categoryId: CATEGORIES[0], subtotalFen: 500 }];
    expect(couponDiscount({ kind: 'amount', amountFen: 10_000, percentOff: null, ...everywhere }, one)).toEqual({ discountFen: 499, lineDiscountsFen: [499] });
    expect(couponDiscount({ kind: 'percent', amountFen: null, percentOff: 100, ...everywhere }, one)).toEqual({ discountFen: 499, lineDiscountsFen: [499] });
    const mixed = [...one, { productId: PRODUCTS[1], categoryId: CATEGORIES[1], subtotalFen: 300 }];
    const byCategory = { ...everywhere, categoryIds: [CATEGORIES[1]] };
    expect(couponDiscount({ kind: 'amount', amountFen: 10_000, percentOff: null, ...byCategory }, mixed)).toEqual({
      discountFen: 300,
      lineDiscountsFen: [0, 300],
    });
    expect(couponDiscount({ kind: 'amount', amountFen: 100, percentOff: null, ...byCategory, minSpendFen: 301 }, mixed)).toEqual({
      reason: 'min_spend',
      eligibleFen: 300,
      minSpendFen: 301,
    });
    expect(couponDiscount({ kind: 'amount', amountFen: 100, percentOff: null, ...everywhere, productIds: [PRODUCTS[2]] }, mixed)).toEqual({
      reason: 'out_of_scope',
    });
  });
});
