import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppError } from '#libs/errors';
import { WechatPayClient, WechatPayRefusal } from '../clients/wechat-pay.client';
import { AfterSale } from '../entities/after-sale.entity';
import { AfterSaleRepository } from '../repositories/after-sale.repository';
import { Actor, OrderRepository } from '../repositories/order.repository';
import { requestIdOfRefundNo } from './after-sale-rules';

const WECHAT: Actor = { kind: 'wechat', id: null };

/**
 * The WeChat Pay refunds of approved after-sale requests: partial refunds of the order's transaction, one per request
 * (out_refund_no `AS<requestId>`, so a retry is the same refund at WeChat Pay too), `pending` until WeChat Pay accepts it,
 * then `processing`/`succeeded` (the request refunded) or `failed`, each step in the order's history.
 */
@Injectable()
export class AfterSaleRefundService {
  private readonly logger = new Logger(AfterSaleRefundService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly orders: OrderRepository,
    private readonly afterSales: AfterSaleRepository,
    private readonly wechat: WechatPayClient,
  ) {}

  /** Sends an approved request's pending refund. An outage leaves it pending for the sweeper; a refusal marks it failed. */
  async send(requestId: string): Promise<void> {
    const request = await this.afterSales.findById(requestId);
    if (!request || request.status !== 'approved' || request.refundStatus !== 'pending' || !request.refundNo || request.approvedFen === null) return;
    const order = await this.orders.findById(request.orderId);
    if (!order || !this.wechat.settings) return;
    try {
      const answer = await this.wechat.refund({
        orderNo: order.orderNo,
        refundNo: request.refundNo,
        refundFen: request.approvedFen,
        totalFen: order.paidFen ?? order.totalFen,
        reason: request.reason.slice(0, 80),
      });
      const succeeded = answer.status === 'SUCCESS';
      await this.progress(request, succeeded ? 'succeeded' : 'processing', answer.refund_id, succeeded ? new Date() : null);
    } catch (error) {
      if (error instanceof WechatPayRefusal) {
        this.logger.error({ msg: 'WeChat Pay refused an after-sale refund', requestId, code: error.code, error: error.message });
        await this.fail(request, `refused:${error.code}`);
        return;
      }
      this.logger.warn({ msg: 'after-sale refund not sent; the sweeper will retry', requestId, error: (error as Error).message });
    }
  }

  /** Whether WeChat Pay's refund notification is about an after-sale refund (out_refund_no `AS...`). */
  handles(resource: Record<string, unknown>): boolean {
    return typeof resource.out_refund_no === 'string' && requestIdOfRefundNo(resource.out_refund_no) !== undefined;
  }

  /** A verified REFUND.* notification of an after-sale refund: its final state. One that matches no request of ours is refused. */
  async applyNotification(resource: Record<string, unknown>): Promise<{ orderId: string; applied: boolean }> {
    const refundNo = typeof resource.out_refund_no === 'string' ? resource.out_refund_no : '';
    const requestId = requestIdOfRefundNo(refundNo);
    const request = requestId ? await this.afterSales.findById(requestId) : null;
    const order = request ? await this.orders.findById(request.orderId) : null;
    const amount = (typeof resource.amount === 'object' && resource.amount ? resource.amount : {}) as Record<string, unknown>;
    if (!request || !order || request.refundNo !== refundNo || resource.out_trade_no !== order.orderNo || amount.refund !== request.approvedFen) {
      throw new AppError('PAYMENT_NOTIFICATION_INVALID', 'Notification refused', [{ message: `unknown after-sale refund ${refundNo.slice(0, 64)}` }]);
    }
    const status = resource.refund_status;
    if (status === 'SUCCESS') {
      const at = typeof resource.success_time === 'string' ? new Date(resource.success_time) : new Date();
      const refundId = typeof resource.refund_id === 'string' ? resource.refund_id : null;
      return { orderId: order.id, applied: await this.progress(request, 'succeeded', refundId, Number.isNaN(at.getTime()) ? new Date() : at) };
    }
    if (status === 'CLOSED' || status === 'ABNORMAL') return { orderId: order.id, applied: await this.fail(request, String(status).toLowerCase()) };
    return { orderId: order.id, applied: false };
  }

  /** Approved requests whose refund is still pending after `olderThan` (an outage, a crash): sends them again. */
  async resendDue(updatedBefore: Date, limit: number): Promise<number> {
    const due = await this.afterSales.findRefundsDue(updatedBefore, limit);
    for (const id of due) await this.send(id);
    return due.length;
  }

  private progress(request: AfterSale, to: 'processing' | 'succeeded', refundId: string | null, refundedAt: Date | null): Promise<boolean> {
    return this.dataSource.transaction(async (manager) => {
      const order = await this.orders.findForUpdate(manager, request.orderId);
      if (!order || !(await this.afterSales.markRefundProgress(manager, request.id, to, refundId, refundedAt))) return false;
      if (to === 'succeeded') await this.orders.recordEvent(manager, order.id, order.status, order.status, WECHAT, `after_sale_refunded:${request.id}`);
      return true;
    });
  }

  private fail(request: AfterSale, why: string): Promise<boolean> {
    return this.dataSource.transaction(async (manager) => {
      const order = await this.orders.findForUpdate(manager, request.orderId);
      if (!order || !(await this.afterSales.markRefundFailed(manager, request.id))) return false;
      this.logger.warn({ msg: 'after-sale refund failed', requestId: request.id, why });
      await this.orders.recordEvent(manager, order.id, order.status, order.status, WECHAT, `after_sale_refund_failed:${request.id}`);
      return true;
    });
  }
}
