import { setTimeout as sleep } from 'node:timers/promises';
import { PayOrder, PayState } from '../pay/pay-state';
import { SandboxState } from '../sandbox-state';
import { SandboxReply, SandboxRequest, dataFormatError, parseJsonObject, queryParam, stringField, wechatError } from '../wechat-api';
import { ShippingRecord, ShippingState } from './shipping-state';
import { readShippingUpload } from './shipping-upload';

/** Delivers an event to the backend's push URL, as WeChat's server push does. */
export type PushEvent = (event: Record<string, unknown>) => Promise<void>;

/** What the shipping handler needs of the sandbox's set-up. */
export interface ShippingSettings {
  mchId: string;
  push: PushEvent;
  now: () => number;
}

const DEFAULT_FAIL_ERRCODE = 10060012;
const MAX_HOLD_MS = 120000;

/**
 * WeChat's order shipping management (发货信息管理) for the sandbox merchant's payments: `upload_shipping_info`
 * (one shipment per payment and one re-shipment, as WeChat allows), `get_order`, and the sandbox's controls: faults
 * for the next uploads and the user confirming receipt (the `trade_manage_order_settlement` push).
 */
export class ShippingHandler {
  constructor(
    private readonly settings: ShippingSettings,
    private readonly state: SandboxState,
    private readonly pay: PayState,
    private readonly shipping: ShippingState,
  ) {}

  async upload(request: SandboxRequest): Promise<SandboxReply> {
    const denied = this.state.tokens.reject(queryParam(request.query, 'access_token'));
    if (denied) return denied;
    const fault = this.shipping.takeFault();
    if (fault?.errcode !== undefined) {
      // Refused late, nothing recorded: the backend may die before WeChat has taken the upload.
      if (fault.holdMs) {
        this.state.stats.count('shipping_faults', 'held');
        await sleep(fault.holdMs);
      }
      this.state.stats.count('shipping_faults', String(fault.errcode));
      return wechatError(fault.errcode, 'sandbox fault: system error');
    }
    const body = parseJsonObject(request.body);
    if (!body) return dataFormatError();
    const upload = readShippingUpload(body);
    if (!('orderKey' in upload)) return upload;
    const order =
      upload.orderKey.type === 2
        ? this.pay.findOrderByTransactionId(upload.orderKey.transactionId)
        : upload.orderKey.mchid === this.settings.mchId
          ? this.pay.findOrder(upload.orderKey.outTradeNo)
          : undefined;
    if (!order?.transactionId) return wechatError(10060001, '支付单不存在');
    if (order.openid !== upload.openid) return wechatError(10060031, '该笔支付单不属于 openid 所指定的用户');
    const existing = this.shipping.find(order.transactionId);
    if (order.tradeState === 'REFUND' || existing?.orderState === 3) return wechatError(10060004, '支付单处于不可发货的状态');
    if (existing && existing.finishShippingCount >= 2) return wechatError(10060003, '支付单已使用重新发货机会');
    this.shipping.save({
      transactionId: order.transactionId,
      orderState: 2,
      deliveryMode: upload.deliveryMode,
      logisticsType: upload.logisticsType,
      shippingList: upload.shippingList,
      uploadTime: upload.uploadTime,
      finishShippingCount: (existing?.finishShippingCount ?? 0) + 1,
    });
    // Accepted and recorded, answered late: the backend may die before it hears the answer.
    if (fault?.holdMs) {
      this.state.stats.count('shipping_faults', 'held');
      await sleep(fault.holdMs);
    }
    return { body: { errcode: 0, errmsg: 'ok' }, result: existing ? 'reship' : 'ok' };
  }

  getOrder(request: SandboxRequest): SandboxReply {
    const denied = this.state.tokens.reject(queryParam(request.query, 'access_token'));
    if (denied) return denied;
    const body = parseJsonObject(request.body);
    if (!body) return dataFormatError();
    const transactionId = stringField(body, 'transaction_id');
    const merchantId = stringField(body, 'merchant_id');
    const merchantTradeNo = stringField(body, 'merchant_trade_no');
    if (!transactionId && !(merchantId && merchantTradeNo)) return wechatError(10060014, 'invalid args: transaction_id or merchant_id + merchant_trade_no');
    const order = transactionId
      ? this.pay.findOrderByTransactionId(transactionId)
      : merchantId === this.settings.mchId
        ? this.pay.findOrder(merchantTradeNo as string)
        : undefined;
    if (!order?.transactionId) return wechatError(10060001, '支付单不存在');
    return { body: { errcode: 0, errmsg: 'ok', order: this.orderView(order, this.shipping.find(order.transactionId)) }, result: 'ok' };
  }

  /** `POST /sandbox/shipping/fail-next {count, errcode?, holdMs?}`: faults for the next uploads. */
  failNext(request: SandboxRequest): SandboxReply {
    const body = parseJsonObject(request.body);
    const count = body?.count;
    const errcode = body?.errcode;
    const holdMs = body?.holdMs;
    const countValid = Number.isInteger(count) && (count as number) > 0 && (count as number) <= 100;
    const errcodeValid = errcode === undefined || (Number.isInteger(errcode) && errcode !== 0);
    const holdValid = holdMs === undefined || (Number.isInteger(holdMs) && (holdMs as number) > 0 && (holdMs as number) <= MAX_HOLD_MS);
    if (!body || !countValid || !errcodeValid || !holdValid) {
      return {
        status: 400,
        body: { errcode: -1, errmsg: `expected {"count": 1..100, "errcode"?: non-zero integer, "holdMs"?: 1..${MAX_HOLD_MS}}` },
      };
    }
    const fault =
      holdMs === undefined
        ? { count: count as number, errcode: (errcode as number | undefined) ?? DEFAULT_FAIL_ERRCODE }
        : { count: count as number, holdMs: holdMs as number, ...(errcode === undefined ? {} : { errcode: errcode as number }) };
    this.shipping.addFault(fault);
    return { body: fault };
  }

  /** `POST /sandbox/shipping/confirm/:transactionId`: the user confirms receipt; WeChat settles and pushes the event. */
  async confirm(request: SandboxRequest): Promise<SandboxReply> {
    const transactionId = request.params.transactionId;
    const order = this.pay.findOrderByTransactionId(transactionId);
    const record = this.shipping.find(transactionId);
    if (!order || !record) return { status: 404, body: { errcode: 10060001, errmsg: 'no shipped payment with this transaction_id' } };
    if (record.orderState !== 2) return { status: 409, body: { errcode: 10060004, errmsg: 'receipt already confirmed' } };
    const now = this.settings.now();
    record.orderState = 3;
    record.confirmedAt = now;
    const seconds = Math.floor(now / 1000);
    // The push sender fills in ToUserName, CreateTime and MsgType.
    const event = {
      FromUserName: order.openid,
      Event: 'trade_manage_order_settlement',
      transaction_id: transactionId,
      merchant_id: this.settings.mchId,
      sub_merchant_id: '',
      merchant_trade_no: order.outTradeNo,
      pay_time: order.successTime ? Math.floor(Date.parse(order.successTime) / 1000) : seconds,
      shipped_time: Math.floor(Date.parse(record.uploadTime) / 1000),
      estimated_settlement_time: seconds,
      confirm_receive_method: 1,
      confirm_receive_time: seconds,
      settlement_time: seconds,
    };
    try {
      await this.settings.push(event);
      this.state.stats.count('shipping_settlement_push', 'ok');
    } catch (error) {
      this.state.stats.count('shipping_settlement_push', 'failed');
      return { status: 502, body: { errcode: -1, errmsg: `receipt confirmed, push not delivered: ${(error as Error).message}`, event } };
    }
    return { body: { confirmed: true, event } };
  }

  private orderView(order: PayOrder, record: ShippingRecord | undefined): Record<string, unknown> {
    return {
      transaction_id: order.transactionId,
      merchant_id: this.settings.mchId,
      sub_merchant_id: '',
      merchant_trade_no: order.outTradeNo,
      description: order.description,
      paid_amount: order.total,
      openid: order.openid,
      trade_create_time: order.successTime ? Math.floor(Date.parse(order.successTime) / 1000) : 0,
      pay_time: order.successTime ? Math.floor(Date.parse(order.successTime) / 1000) : 0,
      order_state: order.tradeState === 'REFUND' ? 5 : (record?.orderState ?? 1),
      in_complaint: false,
      shipping: record
        ? {
            delivery_mode: record.deliveryMode,
            logistics_type: record.logisticsType,
            finish_shipping: true,
            goods_desc: record.shippingList[0]?.item_desc ?? '',
            finish_shipping_count: record.finishShippingCount,
            shipping_list: record.shippingList.map((item) => ({ ...item, upload_time: Math.floor(Date.parse(record.uploadTime) / 1000) })),
          }
        : undefined,
    };
  }
}
