import { localDate, paidRevenueFen, startOfLocalDay } from './dashboard-api';

describe('dashboard figures', () => {
  it('counts paid, shipped and completed orders as revenue; unpaid and cancelled ones not', () => {
    const paidAt = '2026-12-02T01:00:00.000Z';
    expect(
      paidRevenueFen([
        { status: 'paid', totalFen: 1000, paidAt },
        { status: 'shipped', totalFen: 250, paidAt },
        { status: 'completed', totalFen: 5, paidAt },
        { status: 'pending_payment', totalFen: 9999, paidAt: null },
        { status: 'cancelled', totalFen: 7777, paidAt },
      ]),
    ).toBe(1255);
  });

  it('names the local day and its start', () => {
    const late = new Date(2026, 11, 2, 23, 59, 30);
    expect(localDate(late)).toBe('2026-12-02');
    expect(startOfLocalDay(late).getTime()).toBe(new Date(2026, 11, 2).getTime());
    expect(localDate(new Date(2026, 0, 5))).toBe('2026-01-05');
  });
});
