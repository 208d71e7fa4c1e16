import { SandboxReply, SandboxRequest, parseJsonObject } from '../wechat-api';
import { MerchantIdentity, rejectMerchantSignature } from './merchant-signature';
import { paramError, payError } from './pay-error';
import { beijingTime, newRefundId } from './pay-ids';
import { PayNotifier } from './pay-notifier';
import { refundNotificationResource, refundResource } from './pay-resources';
import { PayOrder, PayState } from './pay-state';

/**
 * `POST /v3/refund/domestic/refunds` and `GET /v3/refund/domestic/refunds/{out_refund_no}`.
 * A refund answers PROCESSING, is SUCCESS from then on, and sends REFUND.SUCCESS to its notify_url.
 */
export class RefundsHandler {
  constructor(
    private readonly merchant: MerchantIdentity,
    private readonly pay: PayState,
    private readonly notifier: PayNotifier,
    private readonly now: () => number,
  ) {}

  create(request: SandboxRequest): SandboxReply {
    const rejected = rejectMerchantSignature(request, this.merchant, this.now());
    if (rejected) return rejected;
    const body = parseJsonObject(request.body);
    if (!body) return payError(400, 'PARAM_ERROR', '请求体不是 JSON 对象');
    const outRefundNo = body.out_refund_no;
    if (typeof outRefundNo !== 'string' || !/^[A-Za-z0-9_\-|*@]{1,64}$/.test(outRefundNo)) {
      return paramError('out_refund_no');
    }
    const amount = (typeof body.amount === 'object' && body.amount) || {};
    const { refund, total, currency } = amount as Record<string, unknown>;
    if (!isPositiveInteger(refund)) return paramError('amount.refund');
    if (!isPositiveInteger(total)) return paramError('amount.total');
    if (currency !== 'CNY') return paramError('amount.currency');

    const existing = this.pay.findRefund(outRefundNo);
    if (existing) return { body: refundResource(existing, 'SUCCESS'), result: 'repeated' };
    const order = this.findOrder(body);
    if (!order) return payError(404, 'RESOURCE_NOT_EXISTS', '订单不存在');
    if (order.tradeState === 'NOTPAY') return payError(400, 'INVALID_REQUEST', '订单未支付');
    if (total !== order.total) return payError(400, 'PARAM_ERROR', '订单金额与原订单不一致');
    if (refund > order.total - order.refunded) return payError(400, 'INVALID_REQUEST', '申请退款金额超过订单可退金额');

    const created = beijingTime(this.now());
    const refundRecord = {
      refundId: newRefundId(this.now()),
      outRefundNo,
      outTradeNo: order.outTradeNo,
      transactionId: order.transactionId ?? '',
      reason: typeof body.reason === 'string' ? body.reason : undefined,
      refund,
      total,
      createTime: created,
      successTime: created,
    };
    this.pay.addRefund(order, refundRecord);
    if (typeof body.notify_url === 'string' && body.notify_url) {
      const resource = refundNotificationResource(refundRecord, order.mchid);
      void this.notifier.send(body.notify_url, {
        eventType: 'REFUND.SUCCESS',
        summary: '退款成功',
        originalType: 'refund',
        resource,
      });
    }
    return { body: refundResource(refundRecord, 'PROCESSING'), result: 'ok' };
  }

  query(request: SandboxRequest): SandboxReply {
    const rejected = rejectMerchantSignature(request, this.merchant, this.now());
    if (rejected) return rejected;
    const refund = this.pay.findRefund(request.params.outRefundNo);
    if (!refund) return payError(404, 'RESOURCE_NOT_EXISTS', '退款单不存在');
    return { body: refundResource(refund, 'SUCCESS'), result: 'ok' };
  }

  private findOrder(body: Record<string, unknown>): PayOrder | undefined {
    if (typeof body.transaction_id === 'string') return this.pay.findOrderByTransactionId(body.transaction_id);
    if (typeof body.out_trade_no === 'string') return this.pay.findOrder(body.out_trade_no);
    return undefined;
  }
}

function isPositiveInteger(value: unknown): value is number {
  return Number.isInteger(value) && (value as number) > 0;
}
