import { AppError } from '#libs/errors';
import type { OrderStatus } from '../entities/order.entity';

/** Every status an order can have. */
export const ORDER_STATUSES: readonly OrderStatus[] = ['pending_payment', 'paid', 'shipped', 'completed', 'cancelled'];

/** The contract's state machine: pending_payment → paid → shipped → completed, and pending_payment|paid → cancelled. */
const TRANSITIONS: Record<OrderStatus, readonly OrderStatus[]> = {
  pending_payment: ['paid', 'cancelled'],
  paid: ['shipped', 'cancelled'],
  shipped: ['completed'],
  completed: [],
  cancelled: [],
};

/** Whether an order in `from` may move to `to`. */
export function canTransition(from: OrderStatus, to: OrderStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

/** Throws 409 ORDER_STATE_CONFLICT unless `from → to` is allowed. */
export function assertTransition(from: OrderStatus, to: OrderStatus): void {
  if (!canTransition(from, to)) {
    throw new AppError('ORDER_STATE_CONFLICT', `An order that is ${from} cannot become ${to}`, [
      { field: 'status', message: `${from} → ${to} is not allowed` },
    ]);
  }
}
