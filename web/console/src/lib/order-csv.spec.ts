import type { AdminOrder } from '../api/orders-api';
import { buildCsv, csvField, orderCsvColumns } from './order-csv';

function order(overrides: Partial<AdminOrder> = {}): AdminOrder {
  return {
    id: '01JORDER0000000000000000001',
    orderNo: 'O20261202000001',
    userId: 'u1',
    status: 'paid',
    totalFen: 12990,
    discountFen: 1000,
    items: [
      {
        skuId: 's1',
        productId: 'p1',
        productTitle: '茶叶',
        skuName: '250g',
        imageUrl: null,
        priceFen: 6995,
        quantity: 2,
        subtotalFen: 13990,
        discountFen: 1000,
      },
    ],
    contact: { name: '张三', phone: '138****0000', address: '上海市, 徐汇区', addressParts: null },
    remark: null,
    createdAt: '2026-12-02T01:00:00.000Z',
    expiresAt: '2026-12-02T01:30:00.000Z',
    paidAt: '2026-12-02T01:01:00.000Z',
    shippedAt: null,
    shipment: null,
    completedAt: null,
    cancelledAt: null,
    cancelReason: null,
    refund: null,
    stockState: 'confirmed',
    transactionId: '4200000001',
    history: [],
    ...overrides,
  };
}

/** Splits CSV text the way RFC 4180 reads it, to check what a spreadsheet would see. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (quoted && char === '"' && text[i + 1] === '"') {
      field += '"';
      i++;
    } else if (char === '"') {
      quoted = !quoted;
    } else if (!quoted && char === ',') {
      row.push(field);
      field = '';
    } else if (!quoted && char === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else {
      field += char;
    }
  }
  return rows;
}

describe('order CSV export', () => {
  it.each([
    ['plain', 'plain'],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['line\nbreak', '"line\nbreak"'],
    ['=HYPERLINK("x")', `"'=HYPERLINK(""x"")"`],
    ['+86 138', "'+86 138"],
    ['@sum', "'@sum"],
  ])('writes the field %j as %j', (value, field) => {
    expect(csvField(value)).toBe(field);
  });

  it('writes numbers as they are and an absent value as an empty field', () => {
    expect(csvField(-5)).toBe('-5');
    expect(csvField(null)).toBe('');
    expect(csvField(undefined)).toBe('');
  });

  it('starts with a byte order mark and ends every line with CRLF', () => {
    const csv = buildCsv([{ header: 'n', cell: (row: number) => row }], [1, 2]);
    expect(csv).toBe('\uFEFFn\r\n1\r\n2\r\n');
  });

  it('gives every order one line that reads back to its fields, prices in yuan', () => {
    const rows = [
      order(),
      order({
        orderNo: 'O2',
        status: 'shipped',
        remark: '请周末送, 谢谢 "急"',
        shippedAt: '2026-12-02T03:00:00.000Z',
        shipment: { carrier: '顺丰速运', trackingNo: 'SF1', logisticsType: 'express', wechatSync: 'synced' },
      }),
    ];
    const columns = orderCsvColumns((key) => key);
    const parsed = parseCsv(buildCsv(columns, rows).slice(1));
    expect(parsed).toHaveLength(3);
    expect(parsed.every((line) => line.length === columns.length)).toBe(true);
    const header = parsed[0];
    const second = Object.fromEntries(header.map((name, index) => [name, parsed[2][index]]));
    expect(second).toMatchObject({
      'orders.orderNo': 'O2',
      'orders.status': 'orders.statuses.shipped',
      'orders.totalYuan': '129.90',
      'orders.discountYuan': '10.00',
      'orders.items': '茶叶 250g ×2',
      'orders.remark': '请周末送, 谢谢 "急"',
      'orders.carrier': '顺丰速运',
      'orders.trackingNo': 'SF1',
      'orders.refundYuan': '',
    });
  });
});
