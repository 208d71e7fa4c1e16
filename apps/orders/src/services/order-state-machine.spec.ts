import { AppError } from '#libs/errors';
import type { OrderStatus } from '../entities/order.entity';
import { assertTransition, canTransition, ORDER_STATUSES } from './order-state-machine';

const ALLOWED = new Set(['pending_payment>paid', 'pending_payment>cancelled', 'paid>shipped', 'paid>cancelled', 'shipped>completed']);

describe('order state machine', () => {
  it.each(ORDER_STATUSES.flatMap((from) => ORDER_STATUSES.map((to) => [from, to] as [OrderStatus, OrderStatus])))('%s → %s', (from, to) => {
    const allowed = ALLOWED.has(`${from}>${to}`);
    expect(canTransition(from, to)).toBe(allowed);
    if (allowed) expect(() => assertTransition(from, to)).not.toThrow();
    else {
      const error = (() => {
        try {
          assertTransition(from, to);
        } catch (caught) {
          return caught;
        }
      })();
      expect(error).toBeInstanceOf(AppError);
      expect(error).toMatchObject({ code: 'ORDER_STATE_CONFLICT', status: 409 });
    }
  });
});
