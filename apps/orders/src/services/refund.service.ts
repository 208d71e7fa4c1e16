import { Injectable, Logger } from '@nestjs/common';
import { AppError } from '#libs/errors';
import { Order } from '../entities/order.entity';
import { AfterSaleRepository } from '../repositories/after-sale.repository';
import { OrderRepository } from '../repositories/order.repository';
import { WechatPayClient, WechatPayRefusal } from '../clients/wechat-pay.client';
import { committedRefundFen } from './after-sale-rules';
import { OrderTransitionsService } from './order-transitions.service';

const WECHAT: { kind: 'wechat'; id: null } = { kind: 'wechat', id: null };

/** The columns that make a refund due on a paid order that is being cancelled. */
export function refundDue(order: Order): Partial<Order> {
  return { refundStatus: 'pending', refundNo: `R${order.orderNo}`, refundFen: order.paidFen ?? order.totalFen };
}

/**
 * Refunds of cancelled paid orders through WeChat Pay: one refund per order (out_refund_no R<orderNo>, so a retry is the
 * same refund), `pending` until WeChat Pay accepts it, then `processing`/`succeeded` as it reports.
 */
@Injectable()
export class RefundService {
  private readonly logger = new Logger(RefundService.name);

  constructor(
    private readonly orders: OrderRepository,
    private readonly transitions: OrderTransitionsService,
    private readonly wechat: WechatPayClient,
    private readonly afterSales: AfterSaleRepository,
  ) {}

  /** Sends a due refund to WeChat Pay. An outage leaves it pending for the sweeper; a refusal marks it failed (staff can retry). */
  async send(orderId: string): Promise<void> {
    const order = await this.orders.findById(orderId);
    if (!order || order.refundStatus !== 'pending' || !order.refundNo) return;
    if (!this.wechat.settings) {
      this.logger.error({ msg: 'a refund is due but WeChat Pay is not configured', orderId });
      return;
    }
    // After-sale refunds already made (or under way) of this payment are not refunded twice: the rest is.
    const paidFen = order.paidFen ?? order.totalFen;
    const afterSaleFen = (await this.afterSales.findByOrder(orderId)).reduce((sum, request) => sum + committedRefundFen(request), 0);
    const refundFen = Math.min(order.refundFen ?? paidFen, paidFen - afterSaleFen);
    if (refundFen <= 0) {
      await this.transitions.apply(orderId, WECHAT, (current) =>
        current.refundStatus === 'pending'
          ? { reason: 'refund_covered_by_after_sales', changes: { refundStatus: 'succeeded', refundFen: 0, refundedAt: new Date() } }
          : null,
      );
      return;
    }
    try {
      const answer = await this.wechat.refund({ orderNo: order.orderNo, refundNo: order.refundNo, refundFen, totalFen: paidFen, reason: 'order cancelled' });
      const succeeded = answer.status === 'SUCCESS';
      await this.transitions.apply(orderId, WECHAT, (current) =>
        current.refundStatus === 'pending'
          ? {
              reason: 'refund_accepted',
              changes: {
                refundStatus: succeeded ? 'succeeded' : 'processing',
                refundFen,
                refundId: answer.refund_id,
                refundedAt: succeeded ? new Date() : null,
              },
            }
          : null,
      );
    } catch (error) {
      if (error instanceof WechatPayRefusal) {
        this.logger.error({ msg: 'WeChat Pay refused a refund', orderId, code: error.code, error: error.message });
        await this.transitions.apply(orderId, WECHAT, (current) =>
          current.refundStatus === 'pending' ? { reason: `refund_refused:${error.code}`.slice(0, 64), changes: { refundStatus: 'failed' } } : null,
        );
        return;
      }
      this.logger.warn({ msg: 'refund not sent; the sweeper will retry', orderId, error: (error as Error).message });
    }
  }

  /** WeChat Pay's REFUND.* notification: the refund's final state. Unknown refunds are refused (logged by the caller). */
  async applyNotification(resource: Record<string, unknown>): Promise<{ orderId: string; applied: boolean }> {
    const refundNo = typeof resource.out_refund_no === 'string' ? resource.out_refund_no : '';
    const order = refundNo.startsWith('R') ? await this.orders.findByOrderNo(refundNo.slice(1)) : null;
    if (!order || order.refundNo !== refundNo)
      throw new AppError('PAYMENT_NOTIFICATION_INVALID', 'Notification refused', [{ message: `unknown refund ${refundNo.slice(0, 64)}` }]);
    const status = resource.refund_status;
    const successTime = typeof resource.success_time === 'string' ? new Date(resource.success_time) : new Date();
    const result = await this.transitions.apply(order.id, WECHAT, (current) => {
      if (current.refundStatus === 'succeeded' || current.refundStatus === 'failed') return null;
      if (status === 'SUCCESS') {
        return {
          reason: 'refund_succeeded',
          changes: {
            refundStatus: 'succeeded',
            refundedAt: Number.isNaN(successTime.getTime()) ? new Date() : successTime,
            refundId: typeof resource.refund_id === 'string' ? resource.refund_id : current.refundId,
          },
        };
      }
      if (status === 'CLOSED' || status === 'ABNORMAL') return { reason: `refund_${String(status).toLowerCase()}`, changes: { refundStatus: 'failed' } };
      return null;
    });
    return { orderId: order.id, applied: result.applied };
  }
}
