import { AppError } from '#libs/errors';
import type { AfterSale, AfterSaleStatus } from '../entities/after-sale.entity';
import type { Order } from '../entities/order.entity';

/** Every status an after-sale request can have. */
export const AFTER_SALE_STATUSES: readonly AfterSaleStatus[] = ['requested', 'approved', 'refunded', 'rejected', 'withdrawn'];

const TRANSITIONS: Record<AfterSaleStatus, readonly AfterSaleStatus[]> = {
  requested: ['approved', 'rejected', 'withdrawn'],
  approved: ['refunded'],
  refunded: [],
  rejected: [],
  withdrawn: [],
};

/** Whether a request in `from` may move to `to`. */
export function canMoveAfterSale(from: AfterSaleStatus, to: AfterSaleStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

/** Throws 409 AFTER_SALE_STATE_CONFLICT unless `from → to` is allowed. */
export function assertAfterSaleTransition(from: AfterSaleStatus, to: AfterSaleStatus): void {
  if (!canMoveAfterSale(from, to)) {
    throw new AppError('AFTER_SALE_STATE_CONFLICT', `An after-sale request that is ${from} cannot become ${to}`, [
      { field: 'status', message: `${from} → ${to} is not allowed` },
    ]);
  }
}

/** Money of a request that is gone or going back to the buyer: refunded, or approved with its refund not refused. */
export function committedRefundFen(request: Pick<AfterSale, 'status' | 'approvedFen' | 'refundStatus'>): number {
  if (request.status === 'refunded') return request.approvedFen ?? 0;
  if (request.status === 'approved' && request.refundStatus !== 'failed') return request.approvedFen ?? 0;
  return 0;
}

/** What can still be refunded of an order: what was paid, less its own refund and every after-sale refund made or under way. */
export function refundableFen(
  order: Pick<Order, 'paidFen' | 'totalFen' | 'refundStatus' | 'refundFen'>,
  requests: Parameters<typeof committedRefundFen>[0][],
): number {
  const paid = order.paidFen ?? 0;
  const orderRefund = order.refundStatus && order.refundStatus !== 'failed' ? (order.refundFen ?? paid) : 0;
  const committed = requests.reduce((sum, request) => sum + committedRefundFen(request), 0);
  return Math.max(0, paid - orderRefund - committed);
}

/**
 * A request can be made on a paid or shipped order, and on a completed one within `windowDays` of its completion
 * (409 ORDER_STATE_CONFLICT otherwise, AFTER_SALE_WINDOW_CLOSED after the window).
 */
export function assertAfterSaleAllowed(order: Pick<Order, 'status' | 'completedAt'>, windowDays: number, now: Date): void {
  if (order.status === 'paid' || order.status === 'shipped') return;
  if (order.status === 'completed') {
    const closesAt = (order.completedAt?.getTime() ?? 0) + windowDays * 86400_000;
    if (now.getTime() < closesAt) return;
    throw new AppError('AFTER_SALE_WINDOW_CLOSED', `After-sale requests close ${windowDays} days after an order is completed`, [
      { field: 'status', message: `completed at ${order.completedAt?.toISOString() ?? 'unknown'}` },
    ]);
  }
  throw new AppError('ORDER_STATE_CONFLICT', `An order that is ${order.status} cannot have an after-sale request`, [
    { field: 'status', message: 'only paid, shipped and completed orders can' },
  ]);
}

/** The out_refund_no of a request's refund at WeChat Pay (prefix `AS`, unlike a cancelled order's `R<orderNo>`). */
export function afterSaleRefundNo(requestId: string): string {
  return `AS${requestId}`;
}

/** The request id in an after-sale out_refund_no, or undefined for another refund. */
export function requestIdOfRefundNo(refundNo: string): string | undefined {
  return /^AS[0-9A-HJKMNP-TV-Z]{26}$/.test(refundNo) ? refundNo.slice(2) : undefined;
}
