import { Injectable, Logger } from '@nestjs/common';
import { AppError } from '#libs/errors';
import { RefundOrderDto } from '../dtos/ship-order.dto';
import { OrderDto } from '../dtos/order.dto';
import { Order } from '../entities/order.entity';
import { Actor, OrderRepository } from '../repositories/order.repository';
import { OrderEventsPublisher } from './order-events.publisher';
import { OrderQueriesService } from './order-queries.service';
import { AppliedDecision, OrderTransitionsService } from './order-transitions.service';
import { OrdersMetrics } from './orders-metrics';
import { PaymentReconciliationService } from './payment-reconciliation.service';
import { refundDue, RefundService } from './refund.service';
import { StockSettlementService } from './stock-settlement.service';

const SYSTEM: Actor = { kind: 'system', id: null };
/** Expiry jobs may fire a moment early (clocks of Redis and the replicas); within this they still count. */
const EXPIRY_TOLERANCE_MS = 1000;
/** Orders an expiry job reads at a time. */
const EXPIRY_BATCH = 200;

/** What an expiry attempt did. */
export type ExpiryOutcome = 'cancelled' | 'paid' | 'not_due' | 'skipped';

/** An order's life after it is placed: cancellation (by its owner, by expiry, by staff with a refund), completion (shipping: OrderShipmentService). */
@Injectable()
export class OrderLifecycleService {
  private readonly logger = new Logger(OrderLifecycleService.name);

  constructor(
    private readonly orders: OrderRepository,
    private readonly transitions: OrderTransitionsService,
    private readonly queries: OrderQueriesService,
    private readonly settlement: StockSettlementService,
    private readonly refunds: RefundService,
    private readonly reconciliation: PaymentReconciliationService,
    private readonly metrics: OrdersMetrics,
    private readonly events: OrderEventsPublisher,
  ) {}

  /** The owner cancels: stock goes back; a paid order gets a refund. */
  async cancelByOwner(userId: string, orderId: string): Promise<OrderDto> {
    const result = await this.transitions.move(
      orderId,
      'cancelled',
      { kind: 'user', id: userId },
      { reason: 'user_cancelled', ownerId: userId, changes: (order) => this.cancellation(order, 'user_cancelled') },
    );
    await this.afterCancel(result);
    return this.queries.view(orderId);
  }

  /** Staff refund a paid order (cancelling it), or send again a refund that WeChat Pay refused. */
  async refundByStaff(staffId: string, orderId: string, request: RefundOrderDto): Promise<OrderDto> {
    const staff: Actor = { kind: 'staff', id: staffId };
    const reason = request.reason ? `staff_refund:${request.reason}`.slice(0, 64) : 'staff_refund';
    const result = await this.transitions.apply(orderId, staff, (order) => {
      if (order.status === 'cancelled' && order.refundStatus === 'failed') return { reason: 'refund_retry', changes: { refundStatus: 'pending' } };
      if (order.status === 'cancelled' && order.refundStatus) throw new AppError('ORDER_STATE_CONFLICT', `The refund is already ${order.refundStatus}`);
      if (order.status !== 'paid') throw new AppError('ORDER_STATE_CONFLICT', `An order that is ${order.status} cannot be refunded`);
      return { to: 'cancelled', reason, changes: this.cancellation(order, 'refunded_by_staff') };
    });
    await this.afterCancel(result);
    return this.queries.view(orderId);
  }

  async complete(staffId: string, orderId: string): Promise<OrderDto> {
    await this.transitions.move(orderId, 'completed', { kind: 'staff', id: staffId }, { reason: 'staff_complete' });
    return this.queries.view(orderId);
  }

  /**
   * Cancels an unpaid order whose time is up and gives its stock back, exactly once however many replicas try: the
   * change is conditional on the locked row. An order that was opened with WeChat Pay is checked there first, so a
   * payment whose notification was lost is not cancelled.
   */
  /**
   * Cancels every order still unpaid at `dueBy` (an expiry job's second), a batch at a time; stops at a batch of
   * which none was cancelled or found paid (what is left goes to the sweep), so it always ends. Answers how many it cancelled.
   */
  async expireDue(dueBy: Date): Promise<number> {
    let cancelled = 0;
    for (;;) {
      const due = await this.orders.findExpiredUnpaid(dueBy, EXPIRY_BATCH);
      let settled = 0;
      for (const id of due) {
        const outcome = await this.expire(id);
        if (outcome === 'cancelled') cancelled++;
        if (outcome === 'cancelled' || outcome === 'paid') settled++;
      }
      if (due.length < EXPIRY_BATCH || settled === 0) return cancelled;
    }
  }

  async expire(orderId: string): Promise<ExpiryOutcome> {
    const order = await this.orders.findById(orderId);
    if (!order?.placedAt || order.status !== 'pending_payment') return 'skipped';
    if (order.expiresAt.getTime() > Date.now() + EXPIRY_TOLERANCE_MS) return 'not_due';
    try {
      const paid = await this.reconciliation.reconcile(order);
      if (paid !== 'unpaid') return 'paid';
    } catch (error) {
      this.logger.warn({
        msg: 'could not ask WeChat Pay about an expiring order; cancelling it (a late payment is refunded)',
        orderId,
        error: (error as Error).message,
      });
    }
    const result = await this.transitions.apply(orderId, SYSTEM, (current) =>
      current.status === 'pending_payment' && current.expiresAt.getTime() <= Date.now() + EXPIRY_TOLERANCE_MS
        ? { to: 'cancelled', reason: 'payment_timeout', changes: { cancelReason: 'payment_timeout' } }
        : null,
    );
    if (!result.applied) return 'skipped';
    this.metrics.orderCancelled('payment_timeout');
    await this.settlement.release(orderId);
    await this.events.orderExpired(orderId);
    return 'cancelled';
  }

  private cancellation(order: Order, reason: string): Partial<Order> {
    return { cancelReason: reason, ...(order.status === 'paid' ? refundDue(order) : {}) };
  }

  /** After a cancellation: the stock back, and the refund sent if one is due. */
  private async afterCancel(result: AppliedDecision): Promise<void> {
    if (!result.applied) return;
    if (result.before.status !== 'cancelled') this.metrics.orderCancelled(result.after.cancelReason ?? 'unknown');
    if (result.before.status !== 'cancelled') await this.settlement.release(result.after.id);
    if (result.after.refundStatus === 'pending') await this.refunds.send(result.after.id);
  }
}
