import { AppError } from '#libs/errors';
import { afterSaleRefundNo, assertAfterSaleAllowed, canMoveAfterSale, refundableFen, requestIdOfRefundNo } from './after-sale-rules';

const codeOf = (run: () => void) => {
  try {
    run();
    return undefined;
  } catch (error) {
    return (error as AppError).code;
  }
};

describe('after-sale rules', () => {
  it('follows the contract: requested → approved → refunded, requested → rejected | withdrawn, nothing else', () => {
    expect(canMoveAfterSale('requested', 'approved')).toBe(true);
    expect(canMoveAfterSale('approved', 'refunded')).toBe(true);
    expect(canMoveAfterSale('requested', 'rejected')).toBe(true);
    expect(canMoveAfterSale('requested', 'withdrawn')).toBe(true);
    for (const [from, to] of [
      ['approved', 'rejected'],
      ['approved', 'withdrawn'],
      ['approved', 'approved'],
      ['rejected', 'approved'],
      ['withdrawn', 'approved'],
      ['refunded', 'approved'],
      ['requested', 'refunded'],
    ] as const) {
      expect([from, to, canMoveAfterSale(from, to)]).toEqual([from, to, false]);
    }
  });

  it('counts refunded and in-flight approvals against what was paid, not failed ones nor open requests', () => {
    const order = { paidFen: 5000, totalFen: 5000, refundStatus: null, refundFen: null };
    expect(refundableFen(order, [])).toBe(5000);
    expect(
      refundableFen(order, [
        { status: 'refunded', approvedFen: 1000, refundStatus: 'succeeded' },
        { status: 'approved', approvedFen: 500, refundStatus: 'pending' },
        { status: 'approved', approvedFen: 700, refundStatus: 'failed' },
        { status: 'requested', approvedFen: null, refundStatus: null },
        { status: 'rejected', approvedFen: null, refundStatus: null },
      ]),
    ).toBe(3500);
    expect(refundableFen({ ...order, refundStatus: 'succeeded', refundFen: 5000 }, [])).toBe(0);
    expect(refundableFen(order, [{ status: 'refunded', approvedFen: 6000, refundStatus: 'succeeded' }])).toBe(0);
  });

  it('allows paid and shipped orders, completed ones inside the window, nothing else', () => {
    const now = new Date('2026-12-10T00:00:00Z');
    expect(codeOf(() => assertAfterSaleAllowed({ status: 'paid', completedAt: null }, 7, now))).toBeUndefined();
    expect(codeOf(() => assertAfterSaleAllowed({ status: 'shipped', completedAt: null }, 7, now))).toBeUndefined();
    expect(codeOf(() => assertAfterSaleAllowed({ status: 'completed', completedAt: new Date('2026-12-03T00:00:01Z') }, 7, now))).toBeUndefined();
    expect(codeOf(() => assertAfterSaleAllowed({ status: 'completed', completedAt: new Date('2026-12-03T00:00:00Z') }, 7, now))).toBe(
      'AFTER_SALE_WINDOW_CLOSED',
    );
    expect(codeOf(() => assertAfterSaleAllowed({ status: 'pending_payment', completedAt: null }, 7, now))).toBe('ORDER_STATE_CONFLICT');
    expect(codeOf(() => assertAfterSaleAllowed({ status: 'cancelled', completedAt: null }, 7, now))).toBe('ORDER_STATE_CONFLICT');
  });

  it('names refunds AS<requestId>, which no order refund (R<orderNo>) can be mistaken for', () => {
    const id = '01JDQ9A1B2C3D4E5F6G7H8J9KM';
    expect(afterSaleRefundNo(id)).toBe(`AS${id}`);
    expect(requestIdOfRefundNo(afterSaleRefundNo(id))).toBe(id);
    expect(requestIdOfRefundNo('R2026120310150012312345')).toBeUndefined();
    expect(requestIdOfRefundNo(`AS${id}x`)).toBeUndefined();
  });
});
