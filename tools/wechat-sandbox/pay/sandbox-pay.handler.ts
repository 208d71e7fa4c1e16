import { SandboxReply, SandboxRequest } from '../wechat-api';
import { beijingTime, newTransactionId } from './pay-ids';
import { PayNotifier } from './pay-notifier';
import { transactionResource } from './pay-resources';
import { PayState } from './pay-state';
import { PlatformSigner } from './platform-signer';

/** Sandbox-only: `POST /sandbox/pay/{prepay_id}` plays the user paying; the platform public key. */
export class SandboxPayHandler {
  constructor(
    private readonly pay: PayState,
    private readonly notifier: PayNotifier,
    private readonly signer: PlatformSigner,
    private readonly now: () => number,
  ) {}

  /** Marks the order paid and answers once the first TRANSACTION.SUCCESS delivery attempt is over. */
  async payOrder(request: SandboxRequest): Promise<SandboxReply> {
    const { prepayId } = request.params;
    const order = this.pay.findOrderByPrepayId(prepayId);
    if (!order) return { status: 404, body: { errcode: -1, errmsg: `no order with prepay_id ${prepayId}` } };
    if (order.tradeState !== 'NOTPAY') return { status: 409, body: { errcode: -1, errmsg: 'order already paid' } };

    this.pay.markPaid(order, newTransactionId(this.now()), beijingTime(this.now()));
    const notified = await this.notifier.send(order.notifyUrl, {
      eventType: 'TRANSACTION.SUCCESS',
      summary: '支付成功',
      originalType: 'transaction',
      resource: transactionResource(order),
    });
    const { outTradeNo, transactionId, tradeState } = order;
    return { body: { out_trade_no: outTradeNo, transaction_id: transactionId, trade_state: tradeState, notified } };
  }

  /** Sandbox-only: what the merchant's order came to, `{out_trade_no, trade_state, total, refunded, refunds}` (how much money went back). */
  orderState(request: SandboxRequest): SandboxReply {
    const order = this.pay.findOrder(request.params.outTradeNo);
    if (!order) return { status: 404, body: { errcode: -1, errmsg: `no order ${request.params.outTradeNo}` } };
    const refunds = this.pay
      .refundsOf(order.outTradeNo)
      .map((refund) => ({ out_refund_no: refund.outRefundNo, refund_id: refund.refundId, refund: refund.refund }));
    return { body: { out_trade_no: order.outTradeNo, trade_state: order.tradeState, total: order.total, refunded: order.refunded, refunds } };
  }

  /** The PEM public key that verifies `Wechatpay-Signature`; its id comes in the `Wechatpay-Serial` header. */
  platformPublicKey(): SandboxReply {
    return {
      headers: { 'content-type': 'application/x-pem-file', 'Wechatpay-Serial': this.signer.serialNo },
      rawBody: this.signer.publicKeyPem(),
    };
  }
}
