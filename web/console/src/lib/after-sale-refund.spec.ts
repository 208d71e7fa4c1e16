import { approvalRefundFen } from './after-sale-refund';

describe('after-sale approval refund', () => {
  it('leaves an empty field to the amount asked for', () => {
    expect(approvalRefundFen('  ', 5000)).toEqual({ refundFen: undefined });
  });

  it('sends a lower or equal amount in fen', () => {
    expect(approvalRefundFen('12.5', 5000)).toEqual({ refundFen: 1250 });
    expect(approvalRefundFen('50.00', 5000)).toEqual({ refundFen: 5000 });
  });

  it.each([
    ['0', 'refundInvalid'],
    ['abc', 'refundInvalid'],
    ['1.001', 'refundInvalid'],
    ['50.01', 'refundTooHigh'],
  ])('refuses %s: %s', (typed, problem) => {
    expect(approvalRefundFen(typed, 5000)).toBe(problem);
  });
});
