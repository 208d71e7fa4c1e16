import { Injectable, Logger } from '@nestjs/common';
import { OrderRepository } from '../repositories/order.repository';
import { OrderTransitionsService } from './order-transitions.service';

/** The fields of WeChat's `trade_manage_order_settlement` push that find the order (the rest is logged as is). */
export interface OrderSettlementPush {
  transaction_id?: unknown;
  merchant_trade_no?: unknown;
  confirm_receive_method?: unknown;
  settlement_time?: unknown;
}

/** What a settlement event did: completed the order, found it already completed (a repeat), or found nothing to do. */
export type SettlementOutcome = 'completed' | 'repeat' | 'ignored';

/**
 * WeChat settled a payment after the user confirmed receipt (or WeChat confirmed it by itself): the shipped order is
 * completed. The decision is made on the locked row, so three deliveries of the event complete it once.
 */
@Injectable()
export class OrderSettlementService {
  private readonly logger = new Logger(OrderSettlementService.name);

  constructor(
    private readonly orders: OrderRepository,
    private readonly transitions: OrderTransitionsService,
  ) {}

  async settle(push: OrderSettlementPush): Promise<SettlementOutcome> {
    const transactionId = typeof push.transaction_id === 'string' && push.transaction_id !== '' ? push.transaction_id : undefined;
    const orderNo = typeof push.merchant_trade_no === 'string' && push.merchant_trade_no !== '' ? push.merchant_trade_no : undefined;
    const order = (transactionId && (await this.orders.findByTransactionId(transactionId))) || (orderNo && (await this.orders.findByOrderNo(orderNo))) || null;
    if (!order) {
      this.logger.warn({ msg: 'settlement of an unknown payment ignored', transactionId, orderNo });
      return 'ignored';
    }
    const method = push.confirm_receive_method === 2 ? 'auto' : 'user';
    const result = await this.transitions.apply(order.id, { kind: 'wechat', id: transactionId ?? null }, (current) =>
      current.status === 'shipped' ? { to: 'completed', reason: `wechat_receipt_confirmed:${method}` } : null,
    );
    if (result.applied) return 'completed';
    if (result.before.status === 'completed') return 'repeat';
    this.logger.warn({ msg: 'settlement of an order that is not shipped ignored', orderId: order.id, status: result.before.status });
    return 'ignored';
  }
}
