import { Injectable, Logger } from '@nestjs/common';
import { AppError } from '#libs/errors';
import { PayerClient } from '../clients/payer.client';
import { Order } from '../entities/order.entity';
import { OrderExpiryScheduler } from '../jobs/order-expiry.scheduler';
import { OrderRepository } from '../repositories/order.repository';
import { PaymentNotificationRepository } from '../repositories/payment-notification.repository';
import { requestPaymentParams, RequestPaymentParams } from '../payments/wechat-pay-crypto';
import { WechatPayClient, WechatPayRefusal, WechatTransaction } from '../payments/wechat-pay.client';
import { VerifiedNotification, WechatPayNotifications } from '../payments/wechat-pay-notifications';
import { OrderTransitions } from './order-transitions.service';
import { OrdersMetrics } from './orders-metrics';
import { refundDue, RefundService } from './refund.service';
import { StockSettlement } from './stock-settlement.service';

/** A prepay_id is valid for 2 hours; one older than this is asked for again. */
const PREPAY_REUSE_MS = 110 * 60 * 1000;
/** An order this close to its expiry is not offered for payment any more. */
const PAY_CUTOFF_MS = 2000;

/** How a payment came to be known: WeChat Pay's notification, or our own query (a lost notification). */
export type PaymentSource = 'notification' | 'query';

/** What a verified transaction did to its order. */
export type PaymentOutcome = 'paid' | 'duplicate' | 'refund_due' | 'ignored';

/** WeChat Pay for orders: JSAPI prepay for wx.requestPayment, and the notifications that mark orders paid. */
@Injectable()
export class PaymentService {
  private readonly logger = new Logger(PaymentService.name);

  constructor(
    private readonly orders: OrderRepository,
    private readonly notificationLog: PaymentNotificationRepository,
    private readonly transitions: OrderTransitions,
    private readonly wechat: WechatPayClient,
    private readonly notifications: WechatPayNotifications,
    private readonly payer: PayerClient,
    private readonly settlement: StockSettlement,
    private readonly refunds: RefundService,
    private readonly expiry: OrderExpiryScheduler,
    private readonly metrics: OrdersMetrics,
  ) {}

  /** Opens the WeChat Pay order (once; the prepay_id is reused) and signs the parameters for wx.requestPayment. */
  async prepare(userId: string, orderId: string): Promise<RequestPaymentParams> {
    const settings = this.wechat.require();
    const found = await this.orders.findPlaced(orderId);
    if (!found || found.order.userId !== userId) throw new AppError('ORDER_NOT_FOUND', 'Order not found');
    const { order, items } = found;
    if (order.status !== 'pending_payment') throw new AppError('ORDER_STATE_CONFLICT', `An order that is ${order.status} cannot be paid`);
    if (order.expiresAt.getTime() - Date.now() < PAY_CUTOFF_MS) throw new AppError('ORDER_STATE_CONFLICT', 'This order has expired');

    let prepayId = order.prepayId && order.prepayAt && Date.now() - order.prepayAt.getTime() < PREPAY_REUSE_MS ? order.prepayId : null;
    if (!prepayId) {
      const openid = await this.payer.openidOf(userId);
      const description = items.length === 1 ? items[0].productTitle : `${items[0].productTitle} 等${items.length}件商品`;
      try {
        prepayId = await this.wechat.prepay({ orderNo: order.orderNo, description: description.slice(0, 40), totalFen: order.totalFen, expiresAt: order.expiresAt, openid });
      } catch (error) {
        throw await this.prepayRefused(order, error);
      }
      await this.orders.setPrepay(order.id, prepayId);
    }
    return requestPaymentParams(settings.appId, prepayId, settings.merchant.privateKey);
  }

  /**
   * A notification from WeChat Pay: verified (signature, timestamp, decryption) before anything is believed, then
   * applied idempotently; duplicates are normal and answered like the first. Refusals are logged and change nothing.
   */
  async handleNotification(headers: Record<string, string | string[] | undefined>, rawBody: string | undefined, requestId: string): Promise<void> {
    let notification: VerifiedNotification;
    try {
      notification = this.notifications.verify(headers, rawBody);
    } catch (error) {
      if (error instanceof AppError) {
        this.metrics.notification(error.code === 'PAYMENT_SIGNATURE_INVALID' ? 'refused_signature' : 'refused_invalid');
        this.logger.warn({ msg: 'payment notification refused', requestId, code: error.code, reason: error.details?.[0]?.message, serial: headers['wechatpay-serial'] });
        throw new AppError(error.code, error.message);
      }
      throw error;
    }
    try {
      const { orderId, outcome } = await this.dispatch(notification);
      await this.recordNotification(notification, orderId, outcome);
      this.metrics.notification(outcome);
    } catch (error) {
      if (error instanceof AppError && error.code === 'PAYMENT_NOTIFICATION_INVALID') {
        this.metrics.notification('refused_mismatch');
        this.logger.error({ msg: 'verified payment notification does not match our records; refused', requestId, notificationId: notification.id, eventType: notification.eventType, reason: error.details?.[0]?.message });
        throw new AppError(error.code, error.message);
      }
      throw error;
    }
  }

  /**
   * Applies a successful transaction to its order: pending_payment → paid when the merchant, appid and amount match; the
   * same transaction again is a duplicate; a payment for an order already cancelled (paid after it expired) is refunded.
   */
  async applyTransaction(transaction: WechatTransaction, source: PaymentSource): Promise<{ orderId: string; outcome: PaymentOutcome }> {
    const settings = this.wechat.require();
    const order = await this.orders.findByOrderNo(String(transaction.out_trade_no));
    const mismatch = (reason: string) => new AppError('PAYMENT_NOTIFICATION_INVALID', 'Notification refused', [{ message: reason }]);
    if (!order || !order.placedAt) throw mismatch(`unknown out_trade_no ${String(transaction.out_trade_no).slice(0, 40)}`);
    if (transaction.mchid !== settings.merchant.mchId || transaction.appid !== settings.appId) throw mismatch('mchid or appid is not ours');
    if (transaction.trade_state !== 'SUCCESS') return { orderId: order.id, outcome: 'ignored' };
    if (!transaction.transaction_id) throw mismatch('no transaction_id');
    if (transaction.amount?.total !== order.totalFen || (transaction.amount.currency !== undefined && transaction.amount.currency !== 'CNY')) {
      throw mismatch(`amount ${transaction.amount?.total} does not match the order total ${order.totalFen}`);
    }

    const paidAt = transaction.success_time ? new Date(transaction.success_time) : new Date();
    const payment = { transactionId: transaction.transaction_id, paidFen: transaction.amount.total, paidAt: Number.isNaN(paidAt.getTime()) ? new Date() : paidAt };
    let outcome = 'duplicate' as PaymentOutcome;
    const result = await this.transitions.apply(order.id, { kind: 'wechat', id: transaction.transaction_id }, (current: Order) => {
      if (current.transactionId === transaction.transaction_id) return null;
      if (current.status === 'pending_payment') {
        outcome = 'paid';
        return { to: 'paid', reason: `payment_${source}`, changes: payment };
      }
      if (current.status === 'cancelled' && !current.transactionId) {
        outcome = 'refund_due';
        return { reason: 'paid_after_cancel', changes: { ...payment, ...refundDue({ ...current, ...payment }) } };
      }
      this.logger.error({ msg: 'a second payment for an order that is already paid; refund it by hand', orderId: current.id, transactionId: transaction.transaction_id });
      outcome = 'ignored';
      return null;
    });
    if (result.applied && outcome === 'paid') {
      this.logger.log({ msg: 'order paid', orderId: order.id, source });
      void this.expiry.cancel(order.id);
      void this.settlement.confirm(order.id);
    }
    if (result.applied && outcome === 'refund_due') {
      this.logger.warn({ msg: 'payment arrived for a cancelled order; refunding', orderId: order.id });
      void this.refunds.send(order.id);
    }
    return { orderId: order.id, outcome };
  }

  /** Asks WeChat Pay whether an unpaid order was in fact paid (a notification may be lost); applies it if so. */
  async reconcile(order: Order): Promise<PaymentOutcome | 'unpaid'> {
    if (!order.prepayId || !this.wechat.settings) return 'unpaid';
    const transaction = await this.wechat.findTransaction(order.orderNo);
    if (transaction?.trade_state !== 'SUCCESS') return 'unpaid';
    return (await this.applyTransaction(transaction, 'query')).outcome;
  }

  private async dispatch(notification: VerifiedNotification): Promise<{ orderId: string | null; outcome: string }> {
    if (notification.eventType === 'TRANSACTION.SUCCESS' && notification.resourceType === 'transaction') {
      return this.applyTransaction(notification.resource as unknown as WechatTransaction, 'notification');
    }
    if (notification.eventType.startsWith('REFUND.') && notification.resourceType === 'refund') {
      const { orderId, applied } = await this.refunds.applyNotification(notification.resource);
      return { orderId, outcome: applied ? 'refund_updated' : 'duplicate' };
    }
    this.logger.warn({ msg: 'payment notification of an unhandled type acknowledged', eventType: notification.eventType, notificationId: notification.id });
    return { orderId: null, outcome: 'ignored' };
  }

  private async recordNotification(notification: VerifiedNotification, orderId: string | null, outcome: string): Promise<void> {
    const reference = notification.resource.transaction_id ?? notification.resource.refund_id;
    await this.notificationLog.record({ id: notification.id, eventType: notification.eventType, orderId, reference: typeof reference === 'string' ? reference : null, outcome });
  }

  private async prepayRefused(order: Order, error: unknown): Promise<unknown> {
    if (!(error instanceof WechatPayRefusal)) return error;
    if (error.code === 'ORDERPAID') {
      await this.reconcile({ ...order, prepayId: order.prepayId ?? 'known-paid' }).catch(() => undefined);
      return new AppError('ORDER_STATE_CONFLICT', 'This order is already paid');
    }
    this.logger.error({ msg: 'WeChat Pay refused a prepay', orderId: order.id, code: error.code, error: error.message });
    return new AppError('PAYMENT_UNAVAILABLE', 'The payment could not be started, try again later');
  }
}
