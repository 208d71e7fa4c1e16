import type { JsapiOrderRequest } from './jsapi-order';

/** A JSAPI order as the sandbox keeps it: what was asked for, and what became of it. */
export interface PayOrder extends JsapiOrderRequest {
  prepayId: string;
  /** A repeat of this exact body gets the same prepay_id; another body with this out_trade_no is refused. */
  requestBody: string;
  tradeState: 'NOTPAY' | 'SUCCESS' | 'REFUND';
  transactionId?: string;
  successTime?: string;
  refunded: number;
}

/** A refund as the sandbox keeps it; refunds complete at once. */
export interface PayRefund {
  refundId: string;
  outRefundNo: string;
  outTradeNo: string;
  transactionId: string;
  reason?: string;
  refund: number;
  total: number;
  createTime: string;
  successTime: string;
}

/** The sandbox merchant's orders and refunds. */
export class PayState {
  private readonly orders = new Map<string, PayOrder>();
  private readonly ordersByPrepayId = new Map<string, PayOrder>();
  private readonly ordersByTransactionId = new Map<string, PayOrder>();
  private readonly refunds = new Map<string, PayRefund>();

  findOrder(outTradeNo: string): PayOrder | undefined {
    return this.orders.get(outTradeNo);
  }

  findOrderByPrepayId(prepayId: string): PayOrder | undefined {
    return this.ordersByPrepayId.get(prepayId);
  }

  findOrderByTransactionId(transactionId: string): PayOrder | undefined {
    return this.ordersByTransactionId.get(transactionId);
  }

  addOrder(order: PayOrder): void {
    this.orders.set(order.outTradeNo, order);
    this.ordersByPrepayId.set(order.prepayId, order);
  }

  markPaid(order: PayOrder, transactionId: string, successTime: string): void {
    order.tradeState = 'SUCCESS';
    order.transactionId = transactionId;
    order.successTime = successTime;
    this.ordersByTransactionId.set(transactionId, order);
  }

  findRefund(outRefundNo: string): PayRefund | undefined {
    return this.refunds.get(outRefundNo);
  }

  /** The refunds of one order, oldest first. */
  refundsOf(outTradeNo: string): PayRefund[] {
    return [...this.refunds.values()].filter((refund) => refund.outTradeNo === outTradeNo);
  }

  addRefund(order: PayOrder, refund: PayRefund): void {
    order.refunded += refund.refund;
    order.tradeState = 'REFUND';
    this.refunds.set(refund.outRefundNo, refund);
  }

  clear(): void {
    this.orders.clear();
    this.ordersByPrepayId.clear();
    this.ordersByTransactionId.clear();
    this.refunds.clear();
  }
}
