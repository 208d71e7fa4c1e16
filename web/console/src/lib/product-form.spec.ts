import { createProductBody, emptyProductForm, productChanges, productFormOf, skuPlan, skuProblem } from './product-form';
import type { SkuRow } from './product-form';

const id = '01JD3QZ7X9V2W8K4M6N0P1R5ST';

describe('product form rules', () => {
  it.each([
    [{ name: '', price: '1', stock: 1 }, 'skuNameRequired'],
    [{ name: '500 g', price: '', stock: 1 }, 'priceRequired'],
    [{ name: '500 g', price: '1.999', stock: 1 }, 'priceInvalid'],
    [{ name: '500 g', price: '1000000.01', stock: 1 }, 'priceTooHigh'],
    [{ name: '500 g', price: '1', stock: -1 }, 'stockInvalid'],
    [{ name: '500 g', price: '1', stock: 1.5 }, 'stockInvalid'],
    [{ name: '500 g', price: '1', stock: 10_000_001 }, 'stockInvalid'],
    [{ name: '500 g', price: '19.90', stock: 0 }, null],
  ])('SKU %j: %s', (row, problem) => {
    expect(skuProblem(row)).toBe(problem);
  });

  it('sends prices typed in yuan as fen, and every SKU in its order', () => {
    const form = {
      ...emptyProductForm(),
      title: ' Longjing ',
      categoryId: id,
      images: [id],
      skus: [
        { name: '250 g', price: '88', stock: 50 },
        { name: '500 g', price: '168.8', stock: 5 },
      ],
    };
    expect(createProductBody(form)).toEqual({
      categoryId: id,
      title: 'Longjing',
      subtitle: '',
      description: '',
      images: [id],
      onSale: true,
      featured: false,
      skus: [
        { name: '250 g', priceFen: 8800, stock: 50, sortOrder: 0 },
        { name: '500 g', priceFen: 16880, stock: 5, sortOrder: 1 },
      ],
    });
  });

  it('edits an existing product: its image URLs become references again, and only changed fields are sent', () => {
    const before = productFormOf({
      id: 'p',
      title: 'Tea',
      subtitle: null,
      description: null,
      categoryId: id,
      images: [`/api/uploads/${id}/content`, 'https://img.example/a.jpg'],
      priceFen: 100,
      onSale: true,
      skus: [{ id: 's1', name: 'a', priceFen: 100, stock: 3 }],
      createdAt: '2025-01-01T00:00:00.000Z',
    });
    expect(before.images).toEqual([id, 'https://img.example/a.jpg']);
    expect(before.skus).toEqual([{ id: 's1', name: 'a', price: '1.00', stock: 3 }]);
    expect(productChanges(before, { ...before })).toBeNull();
    expect(productChanges(before, { ...before, onSale: false, images: [id] })).toEqual({ onSale: false, images: [id] });
  });

  it('plans SKU changes: new ones added, changed ones patched, stock moved by a delta, missing ones deleted', () => {
    const before: SkuRow[] = [
      { id: 's1', name: 'a', price: '1.00', stock: 10 },
      { id: 's2', name: 'b', price: '2.00', stock: 5 },
    ];
    const after: SkuRow[] = [
      { id: 's1', name: 'a', price: '1.5', stock: 7 },
      { name: 'c', price: '3', stock: 1 },
    ];
    expect(skuPlan(before, after)).toEqual({
      add: [{ name: 'c', priceFen: 300, stock: 1, sortOrder: 1 }],
      update: [{ id: 's1', changes: { priceFen: 150 } }],
      adjust: [{ id: 's1', delta: -3 }],
      remove: ['s2'],
    });
    expect(skuPlan(before, before)).toEqual({ add: [], update: [], adjust: [], remove: [] });
  });
});
