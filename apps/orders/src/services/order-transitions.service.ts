import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AppError } from '#libs/errors';
import { Order, OrderStatus } from '../entities/order.entity';
import { Actor, OrderRepository } from '../repositories/order.repository';
import { CouponRedemptionService } from './coupon-redemption.service';
import { assertTransition } from './order-state-machine';

/** What to do with a locked order: move it to another status and/or change columns, with the reason recorded. */
export interface OrderDecision {
  to?: OrderStatus;
  changes?: Partial<Order>;
  reason: string;
  /** More writes that must commit with the change (an outbox row); run after it, in its transaction. */
  alsoInTransaction?: (manager: EntityManager, after: Order) => Promise<void>;
}

/** The result of a decision: the order before and after (the same object when nothing was written). */
export interface AppliedDecision {
  before: Order;
  after: Order;
  applied: boolean;
}

/** The moment columns of each status, set when an order enters it. */
function stamps(to: OrderStatus, now: Date): Partial<Order> {
  switch (to) {
    case 'paid':
      return { paidAt: now };
    case 'shipped':
      return { shippedAt: now };
    case 'completed':
      return { completedAt: now };
    case 'cancelled':
      return { cancelledAt: now };
    default:
      return {};
  }
}

/**
 * The one place orders change after creation. The row is locked, the decision is made on what is really there,
 * the state machine is enforced (409 ORDER_STATE_CONFLICT), and the change is written with who made it and why.
 */
@Injectable()
export class OrderTransitionsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly orders: OrderRepository,
    private readonly coupons: CouponRedemptionService,
  ) {}

  /** Applies `decide` to the locked order; a null decision writes nothing. `ownerId`: the order must be this user's (else 404). */
  apply(id: string, actor: Actor, decide: (order: Order) => OrderDecision | null, ownerId?: string): Promise<AppliedDecision> {
    return this.dataSource.transaction(async (manager) => {
      const before = await this.orders.findForUpdate(manager, id);
      if (!before || !before.placedAt || (ownerId !== undefined && before.userId !== ownerId)) throw new AppError('ORDER_NOT_FOUND', 'Order not found');
      const decision = decide({ ...before });
      if (!decision) return { before, after: before, applied: false };
      if (decision.to) assertTransition(before.status, decision.to);
      const statusChange = decision.to ? { status: decision.to, ...stamps(decision.to, new Date()) } : {};
      const after = await this.orders.updateLockedOrder(manager, before, { ...statusChange, ...decision.changes });
      await this.orders.recordEvent(manager, id, before.status, after.status, actor, decision.reason);
      await decision.alsoInTransaction?.(manager, after);
      // A cancelled order's coupon is unused again, in the same transaction as the cancellation: exactly once.
      if (after.status === 'cancelled' && before.status !== 'cancelled') await this.coupons.release(id, manager);
      return { before, after, applied: true };
    });
  }

  /** Moves an order to `to` (409 ORDER_STATE_CONFLICT when the machine forbids it). */
  move(
    id: string,
    to: OrderStatus,
    actor: Actor,
    options: { reason: string; ownerId?: string; changes?: (order: Order) => Partial<Order> },
  ): Promise<AppliedDecision> {
    return this.apply(id, actor, (order) => ({ to, reason: options.reason, changes: options.changes?.(order) }), options.ownerId);
  }
}
