import { SkuSnapshot } from '#libs/contracts';
import { CartItem } from '../entities/cart-item.entity';
import { cartLineValues, priceCart } from './cart-pricing';

const USER = '01USER000000000000000000000';
const sku = (n: number) => `01SKU${String(n).padStart(21, '0')}`;
const snapshot = (skuId: string, overrides: Partial<SkuSnapshot> = {}): SkuSnapshot => ({
  skuId,
  productId: '01PRODUCT00000000000000000',
  productTitle: 'Oolong',
  skuName: '250 g',
  priceFen: 2590,
  stock: 10,
  onSale: true,
  imageUrl: 'https://img.example/p.jpg',
  ...overrides,
});
const line = (skuId: string, quantity: number, seen: Partial<SkuSnapshot> = {}): CartItem => ({
  ...cartLineValues(USER, snapshot(skuId, { productTitle: 'Old title', skuName: 'old', priceFen: 1, ...seen }), quantity),
  createdAt: new Date(),
  updatedAt: new Date(),
});

describe('priceCart', () => {
  it("shows the catalog's name, price and stock of today, in the cart's order, and totals the lines", () => {
    const view = priceCart([line(sku(2), 3), line(sku(1), 1)], [snapshot(sku(1), { priceFen: 100 }), snapshot(sku(2), { stock: 4 })]);
    expect(view).toEqual({
      items: [
        {
          skuId: sku(2),
          productId: '01PRODUCT00000000000000000',
          title: 'Oolong',
          skuName: '250 g',
          imageUrl: 'https://img.example/p.jpg',
          priceFen: 2590,
          quantity: 3,
          stock: 4,
          available: true,
        },
        expect.objectContaining({ skuId: sku(1), priceFen: 100, quantity: 1, available: true }),
      ],
      totalFen: 3 * 2590 + 100,
    });
  });

  it('leaves an off-sale SKU out of the total, and shows a gone one as last seen with no stock', () => {
    const view = priceCart([line(sku(1), 2), line(sku(2), 5, { priceFen: 700 }), line(sku(3), 1)], [snapshot(sku(1), { onSale: false }), snapshot(sku(3))]);
    expect(view.items.map((item) => [item.skuId, item.available])).toEqual([
      [sku(1), false],
      [sku(2), false],
      [sku(3), true],
    ]);
    expect(view.items[1]).toMatchObject({ title: 'Old title', skuName: 'old', priceFen: 700, stock: 0, quantity: 5 });
    expect(view.totalFen).toBe(2590);
  });

  it('never shows negative stock', () => {
    expect(priceCart([line(sku(1), 1)], [snapshot(sku(1), { stock: -2 })]).items[0].stock).toBe(0);
  });
});

describe('cartLineValues', () => {
  it("cuts the catalog's texts to the columns and drops an image URL too long to store", () => {
    const values = cartLineValues(
      USER,
      snapshot(sku(1), { productTitle: 'x'.repeat(300), skuName: 'y'.repeat(200), imageUrl: `https://a/${'z'.repeat(1100)}` }),
      2,
    );
    expect([values.productTitle.length, values.skuName.length, values.imageUrl, values.quantity]).toEqual([255, 128, null, 2]);
  });
});
