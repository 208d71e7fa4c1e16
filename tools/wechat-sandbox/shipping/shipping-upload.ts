import { SandboxReply, wechatError } from '../wechat-api';

/** An `upload_shipping_info` body whose fields passed WeChat's documented checks. */
export interface ShippingUpload {
  orderKey: { type: 1; mchid: string; outTradeNo: string } | { type: 2; transactionId: string };
  logisticsType: number;
  deliveryMode: number;
  shippingList: { tracking_no?: string; express_company?: string; item_desc: string; contact?: unknown }[];
  uploadTime: string;
  openid: string;
}

const LOGISTICS_EXPRESS = 1;
const UNIFIED_DELIVERY = 1;
const SPLIT_DELIVERY = 2;
const MAX_PACKAGES = 15;
const MAX_ITEM_DESC = 120;
const MAX_CODE = 128;
/** RFC 3339 date-time with a zone, e.g. 2022-12-15T13:29:35.120+08:00. */
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;
/** A masked phone: digits and `*` (an optional +86- prefix), its last four digits in clear. */
const MASKED_PHONE = /^(\+\d{1,3}-)?[\d*]*\d{4}$/;

/**
 * Checks an upload as WeChat documents it (api_uploadshippinginfo: fields and error codes) and answers the first
 * documented errcode that applies, or the upload.
 */
export function readShippingUpload(body: Record<string, unknown>): ShippingUpload | SandboxReply {
  const key = objectField(body.order_key);
  if (!key) return wechatError(47001, 'data format error hint: [sandbox] order_key must be an object');
  let orderKey: ShippingUpload['orderKey'];
  if (key.order_number_type === 2) {
    if (!isText(key.transaction_id, 32)) return wechatError(268485195, 'transaction_id is required when order_number_type is 2');
    orderKey = { type: 2, transactionId: key.transaction_id as string };
  } else if (key.order_number_type === 1) {
    if (!isText(key.mchid, 32)) return wechatError(268485196, 'mchid is required when order_number_type is 1');
    if (!isText(key.out_trade_no, 32)) return wechatError(268485197, 'out_trade_no is required when order_number_type is 1');
    orderKey = { type: 1, mchid: key.mchid as string, outTradeNo: key.out_trade_no as string };
  } else {
    return wechatError(268485194, 'invalid order_number_type');
  }
  const logisticsType = body.logistics_type;
  if (typeof logisticsType !== 'number' || ![1, 2, 3, 4].includes(logisticsType)) return wechatError(10060005, 'invalid logistics_type');
  const deliveryMode = body.delivery_mode;
  if (deliveryMode !== UNIFIED_DELIVERY && deliveryMode !== SPLIT_DELIVERY) return wechatError(268485224, 'invalid delivery_mode');
  if (deliveryMode === SPLIT_DELIVERY && logisticsType !== LOGISTICS_EXPRESS) return wechatError(10060006, 'split delivery is only for express');
  if (deliveryMode === SPLIT_DELIVERY && typeof body.is_all_delivered !== 'boolean') return wechatError(10060007, 'is_all_delivered is required');
  const list = body.shipping_list;
  if (!Array.isArray(list) || list.length === 0) return wechatError(47001, 'data format error hint: [sandbox] shipping_list must be an array');
  if (list.length > MAX_PACKAGES) return wechatError(10060024, 'shipping_list is too long');
  if (deliveryMode === UNIFIED_DELIVERY && list.length !== 1) return wechatError(268485228, 'unified delivery takes exactly one shipping_list entry');
  const shippingList: ShippingUpload['shippingList'] = [];
  for (const entry of list) {
    const item = objectField(entry);
    if (!item) return wechatError(47001, 'data format error hint: [sandbox] shipping_list entries must be objects');
    const problem = packageProblem(item, logisticsType);
    if (problem) return problem;
    shippingList.push(item as ShippingUpload['shippingList'][number]);
  }
  if (typeof body.upload_time !== 'string' || !RFC3339.test(body.upload_time) || Number.isNaN(Date.parse(body.upload_time))) {
    return wechatError(268485216, 'upload_time must be RFC 3339');
  }
  const payer = objectField(body.payer);
  if (!payer || !isText(payer.openid, 128)) return wechatError(10060014, 'invalid args: payer.openid is required');
  return { orderKey, logisticsType, deliveryMode, shippingList, uploadTime: body.upload_time, openid: payer.openid as string };
}

function packageProblem(item: Record<string, unknown>, logisticsType: number): SandboxReply | undefined {
  if (!isText(item.item_desc, Number.MAX_SAFE_INTEGER)) return wechatError(10060008, 'item_desc must not be empty');
  if ((item.item_desc as string).length > MAX_ITEM_DESC) return wechatError(10060009, 'item_desc is too long');
  if (logisticsType !== LOGISTICS_EXPRESS) return undefined;
  if (!isText(item.tracking_no, Number.MAX_SAFE_INTEGER)) return wechatError(268485226, 'tracking_no is required for express');
  if ((item.tracking_no as string).length > MAX_CODE) return wechatError(10060026, 'tracking_no is too long');
  if (!isText(item.express_company, Number.MAX_SAFE_INTEGER)) return wechatError(268485227, 'express_company is required for express');
  if ((item.express_company as string).length > MAX_CODE) return wechatError(10060025, 'express_company is too long');
  // SF Express needs a contact (receiver's or sender's), masked except for its last four digits.
  if (item.express_company === 'SF') {
    const contact = objectField(item.contact);
    const phones = [contact?.receiver_contact, contact?.consignor_contact].filter((phone) => typeof phone === 'string' && phone !== '') as string[];
    if (phones.length === 0 || !phones.every((phone) => MASKED_PHONE.test(phone))) {
      return wechatError(10060014, 'invalid args: contact (masked, last 4 digits clear) is required for SF');
    }
  }
  return undefined;
}

function objectField(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

function isText(value: unknown, maxLength: number): boolean {
  return typeof value === 'string' && value.length > 0 && value.length <= maxLength;
}
