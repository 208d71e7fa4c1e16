import fc from 'fast-check';
import { SkuSnapshot } from '#libs/contracts';
import { AppError } from '#libs/errors';
import { MAX_LINE_QUANTITY } from '../dtos/create-order.dto';
import { MAX_TOTAL_FEN, mergeLines, orderTotal, priceLines, unitCount } from './order-pricing';

const sku = (n: number) => `01SKU${String(n).padStart(21, '0')}`;
const snapshot = (skuId: string, overrides: Partial<SkuSnapshot> = {}): SkuSnapshot => ({
  skuId,
  productId: '01PRODUCT00000000000000000',
  productTitle: 'Oolong',
  skuName: '250 g',
  priceFen: 2590,
  stock: 10_000,
  onSale: true,
  imageUrl: 'https://img.example/p.jpg',
  ...overrides,
});
const refusal = (run: () => unknown): AppError => {
  try {
    run();
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
};

const cart = fc.array(fc.record({ skuId: fc.integer({ min: 1, max: 6 }).map(sku), quantity: fc.integer({ min: 1, max: 150 }) }), {
  minLength: 1,
  maxLength: 12,
});

describe('mergeLines', () => {
  it('keeps one line per SKU in first-seen order, pointing at where it first appeared', () => {
    expect(
      mergeLines([
        { skuId: sku(2), quantity: 1 },
        { skuId: sku(1), quantity: 2 },
        { skuId: sku(2), quantity: 3 },
      ]),
    ).toEqual([
      { skuId: sku(2), quantity: 4, index: 0 },
      { skuId: sku(1), quantity: 2, index: 1 },
    ]);
  });

  it('refuses more than the most of one SKU, naming the first line of that SKU', () => {
    const error = refusal(() =>
      mergeLines([
        { skuId: sku(1), quantity: 1 },
        { skuId: sku(2), quantity: MAX_LINE_QUANTITY },
        { skuId: sku(2), quantity: 1 },
      ]),
    );
    expect(error).toMatchObject({
      code: 'VALIDATION_FAILED',
      details: [{ field: 'items.1.quantity', message: `at most ${MAX_LINE_QUANTITY} of one SKU per order` }],
    });
  });

  it('keeps every unit of every SKU, and no SKU twice (property)', () => {
    fc.assert(
      fc.property(cart, (items) => {
        const lines = mergeLines(items);
        expect(new Set(lines.map((line) => line.skuId)).size).toBe(lines.length);
        for (const line of lines) {
          expect(line.quantity).toBe(items.filter((item) => item.skuId === line.skuId).reduce((sum, item) => sum + item.quantity, 0));
          expect(items[line.index].skuId).toBe(line.skuId);
          expect(items.findIndex((item) => item.skuId === line.skuId)).toBe(line.index);
        }
        expect(unitCount(lines)).toBe(unitCount(items));
      }),
    );
  });
});

describe('priceLines', () => {
  it('prices each line from its snapshot, numbering lines in order', () => {
    const items = priceLines(
      [
        { skuId: sku(1), quantity: 3, index: 0 },
        { skuId: sku(2), quantity: 1, index: 2 },
      ],
      [snapshot(sku(2), { priceFen: 100 }), snapshot(sku(1))],
    );
    expect(items).toEqual([
      expect.objectContaining({ skuId: sku(1), lineNo: 0, unitPriceFen: 2590, quantity: 3, subtotalFen: 7770, productTitle: 'Oolong', skuName: '250 g' }),
      expect.objectContaining({ skuId: sku(2), lineNo: 1, unitPriceFen: 100, quantity: 1, subtotalFen: 100 }),
    ]);
  });

  it('refuses unknown SKUs first, then off-sale ones, then short ones, each with every offending line', () => {
    const lines = [
      { skuId: sku(1), quantity: 5, index: 0 },
      { skuId: sku(2), quantity: 1, index: 1 },
      { skuId: sku(3), quantity: 1, index: 2 },
    ];
    const offSaleAndShort = [snapshot(sku(1), { stock: 4 }), snapshot(sku(2), { onSale: false }), snapshot(sku(3))];
    expect(refusal(() => priceLines(lines, offSaleAndShort.slice(0, 2)))).toMatchObject({ code: 'SKU_NOT_FOUND', details: [{ field: 'items.2.skuId' }] });
    expect(refusal(() => priceLines(lines, offSaleAndShort))).toMatchObject({ code: 'SKU_NOT_ON_SALE', details: [{ field: 'items.1.skuId' }] });
    expect(refusal(() => priceLines(lines.slice(0, 1), offSaleAndShort))).toMatchObject({
      code: 'INSUFFICIENT_STOCK',
      details: [{ field: 'items.0.quantity', message: `only 4 left of SKU ${sku(1)}` }],
    });
  });

  it('cuts long names to their columns and drops an image URL too long to store', () => {
    const [item] = priceLines(
      [{ skuId: sku(1), quantity: 1, index: 0 }],
      [snapshot(sku(1), { productTitle: 'x'.repeat(300), skuName: 'y'.repeat(200), imageUrl: `https://${'z'.repeat(1100)}` })],
    );
    expect(item).toMatchObject({ productTitle: 'x'.repeat(255), skuName: 'y'.repeat(128), imageUrl: null });
  });

  it('throws (a 500, not a refusal) on a price the catalog should never send', () => {
    expect(() => priceLines([{ skuId: sku(1), quantity: 1, index: 0 }], [snapshot(sku(1), { priceFen: 1.5 })])).toThrow('catalog sent a bad price');
  });

  it('makes the order total the sum of its lines, each line price × quantity (property)', () => {
    fc.assert(
      fc.property(cart, fc.array(fc.integer({ min: 0, max: 100_000 }), { minLength: 6, maxLength: 6 }), (items, prices) => {
        const lines = mergeLines(items);
        const priced = priceLines(
          lines,
          prices.map((priceFen, n) => snapshot(sku(n + 1), { priceFen })),
        );
        for (const item of priced) expect(item.subtotalFen).toBe(item.unitPriceFen * item.quantity);
        const expected = items.reduce((sum, item) => sum + prices[Number(item.skuId.slice(-2)) - 1] * item.quantity, 0);
        if (expected === 0) expect(() => orderTotal(priced)).toThrow(AppError);
        else expect(orderTotal(priced)).toBe(expected);
      }),
    );
  });
});

describe('orderTotal', () => {
  it('refuses a free order and one over the most a total may be', () => {
    const line = (subtotalFen: number) => ({ ...priceLines([{ skuId: sku(1), quantity: 1, index: 0 }], [snapshot(sku(1))])[0], subtotalFen });
    expect(refusal(() => orderTotal([line(0)]))).toMatchObject({
      code: 'VALIDATION_FAILED',
      details: [{ field: 'items', message: 'the order total must be more than 0' }],
    });
    expect(refusal(() => orderTotal([line(MAX_TOTAL_FEN), line(1)]))).toMatchObject({
      code: 'VALIDATION_FAILED',
      details: [{ field: 'items', message: 'the order total is too large' }],
    });
    expect(orderTotal([line(MAX_TOTAL_FEN)])).toBe(MAX_TOTAL_FEN);
  });
});
