import { SandboxReply, SandboxRequest, parseJsonObject } from '../wechat-api';
import { readJsapiOrder } from './jsapi-order';
import { MerchantIdentity, rejectMerchantSignature } from './merchant-signature';
import { paramError, payError } from './pay-error';
import { newPrepayId } from './pay-ids';
import { transactionResource } from './pay-resources';
import { PayState } from './pay-state';

/** `POST /v3/pay/transactions/jsapi` and `GET /v3/pay/transactions/out-trade-no/{out_trade_no}`. */
export class TransactionsHandler {
  constructor(
    private readonly appId: string,
    private readonly merchant: MerchantIdentity,
    private readonly pay: PayState,
    private readonly now: () => number,
  ) {}

  jsapi(request: SandboxRequest): SandboxReply {
    const rejected = rejectMerchantSignature(request, this.merchant, this.now());
    if (rejected) return rejected;
    const body = parseJsonObject(request.body);
    if (!body) return payError(400, 'PARAM_ERROR', '请求体不是 JSON 对象');
    const order = readJsapiOrder(body);
    if (!('outTradeNo' in order)) return order;
    if (order.mchid !== this.merchant.mchId) return payError(400, 'MCH_NOT_EXISTS', '商户号不存在');
    if (order.appid !== this.appId) return payError(400, 'APPID_MCHID_NOT_MATCH', 'appid和mch_id不匹配');

    const existing = this.pay.findOrder(order.outTradeNo);
    if (existing?.tradeState === 'SUCCESS' || existing?.tradeState === 'REFUND') {
      return payError(400, 'ORDERPAID', '该订单已支付');
    }
    if (existing && existing.requestBody !== request.body) {
      return payError(400, 'OUT_TRADE_NO_USED', '商户订单号重复');
    }
    if (existing) return { body: { prepay_id: existing.prepayId }, result: 'repeated' };

    const prepayId = newPrepayId(this.now());
    this.pay.addOrder({ ...order, prepayId, requestBody: request.body, tradeState: 'NOTPAY', refunded: 0 });
    return { body: { prepay_id: prepayId }, result: 'ok' };
  }

  queryByOutTradeNo(request: SandboxRequest): SandboxReply {
    const rejected = rejectMerchantSignature(request, this.merchant, this.now());
    if (rejected) return rejected;
    const mchid = request.query.get('mchid');
    if (!mchid) return paramError('mchid', 'query');
    if (mchid !== this.merchant.mchId) return payError(400, 'MCH_NOT_EXISTS', '商户号不存在');
    const order = this.pay.findOrder(request.params.outTradeNo);
    if (!order) return payError(404, 'ORDER_NOT_EXIST', '订单不存在');
    return { body: transactionResource(order), result: order.tradeState };
  }
}
