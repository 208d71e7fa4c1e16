import { PayOrder, PayRefund } from './pay-state';

const TRADE_STATE_DESC: Record<PayOrder['tradeState'], string> = {
  NOTPAY: '未支付',
  SUCCESS: '支付成功',
  REFUND: '转入退款',
};

/** An order as WeChat Pay shows it: in a query answer and in a TRANSACTION.SUCCESS notification. */
export function transactionResource(order: PayOrder): Record<string, unknown> {
  const paid = order.tradeState !== 'NOTPAY';
  return {
    appid: order.appid,
    mchid: order.mchid,
    out_trade_no: order.outTradeNo,
    ...(paid && { transaction_id: order.transactionId, bank_type: 'OTHERS', success_time: order.successTime }),
    trade_type: 'JSAPI',
    trade_state: order.tradeState,
    trade_state_desc: TRADE_STATE_DESC[order.tradeState],
    attach: order.attach ?? '',
    payer: { openid: order.openid },
    amount: paid ? { total: order.total, payer_total: order.total, currency: 'CNY', payer_currency: 'CNY' } : { total: order.total, currency: 'CNY' },
  };
}

/** A refund as WeChat Pay shows it in the answer to a refund request or query. */
export function refundResource(refund: PayRefund, status: 'PROCESSING' | 'SUCCESS'): Record<string, unknown> {
  return {
    refund_id: refund.refundId,
    out_refund_no: refund.outRefundNo,
    transaction_id: refund.transactionId,
    out_trade_no: refund.outTradeNo,
    channel: 'ORIGINAL',
    user_received_account: '支付用户零钱',
    ...(status === 'SUCCESS' && { success_time: refund.successTime }),
    create_time: refund.createTime,
    status,
    funds_account: 'AVAILABLE',
    amount: refundAmount(refund),
    promotion_detail: [],
  };
}

/** A refund as a REFUND.SUCCESS notification carries it. */
export function refundNotificationResource(refund: PayRefund, mchid: string): Record<string, unknown> {
  return {
    mchid,
    out_trade_no: refund.outTradeNo,
    transaction_id: refund.transactionId,
    out_refund_no: refund.outRefundNo,
    refund_id: refund.refundId,
    refund_status: 'SUCCESS',
    success_time: refund.successTime,
    user_received_account: '支付用户零钱',
    amount: { total: refund.total, refund: refund.refund, payer_total: refund.total, payer_refund: refund.refund },
  };
}

function refundAmount(refund: PayRefund) {
  return {
    total: refund.total,
    refund: refund.refund,
    payer_total: refund.total,
    payer_refund: refund.refund,
    settlement_total: refund.total,
    settlement_refund: refund.refund,
    discount_refund: 0,
    currency: 'CNY',
  };
}
