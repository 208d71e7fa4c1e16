import { Injectable, Logger } from '@nestjs/common';
import { AppError } from '#libs/errors';
import { Order } from '../entities/order.entity';
import { OrderRepository } from '../repositories/order.repository';
import { WechatPayClient, WechatTransaction } from '../clients/wechat-pay.client';
import { OrderEventsPublisher } from './order-events.publisher';
import { OrderTransitionsService } from './order-transitions.service';
import { refundDue, RefundService } from './refund.service';
import { StockSettlementService } from './stock-settlement.service';

/** How a payment came to be known: WeChat Pay's notification, or our own query (a lost notification). */
export type PaymentSource = 'notification' | 'query';

/** What a verified transaction did to its order. */
export type PaymentOutcome = 'paid' | 'duplicate' | 'refund_due' | 'ignored';

/**
 * Matches WeChat Pay's transactions with our orders: a successful payment marks its order paid (stock confirmed, no
 * expiry any more), however it came to be known and however often; one for an order already cancelled is refunded.
 */
@Injectable()
export class PaymentReconciliationService {
  private readonly logger = new Logger(PaymentReconciliationService.name);

  constructor(
    private readonly orders: OrderRepository,
    private readonly transitions: OrderTransitionsService,
    private readonly wechat: WechatPayClient,
    private readonly settlement: StockSettlementService,
    private readonly refunds: RefundService,
    private readonly events: OrderEventsPublisher,
  ) {}

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
    const payment = {
      transactionId: transaction.transaction_id,
      paidFen: transaction.amount.total,
      paidAt: Number.isNaN(paidAt.getTime()) ? new Date() : paidAt,
    };
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
      this.logger.error({
        msg: 'a second payment for an order that is already paid; refund it by hand',
        orderId: current.id,
        transactionId: transaction.transaction_id,
      });
      outcome = 'ignored';
      return null;
    });
    if (result.applied && outcome === 'paid') {
      this.logger.log({ msg: 'order paid', orderId: order.id, source });
      void this.settlement.confirm(order.id);
      void this.events.orderPaid(order.id);
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
}
