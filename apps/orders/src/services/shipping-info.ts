import type { OrderItem } from '../entities/order-item.entity';
import type { LogisticsType, Order } from '../entities/order.entity';

/** WeChat's logistics_type for each of ours (upload_shipping_info). */
export const WECHAT_LOGISTICS_TYPES: Record<LogisticsType, 1 | 2 | 3 | 4> = { express: 1, same_city: 2, virtual: 3, self_pickup: 4 };

/** WeChat delivery ids (get_delivery_list) of the carriers staff name most; another carrier is sent as staff typed it. */
const DELIVERY_IDS: Record<string, string> = {
  顺丰: 'SF',
  顺丰速运: 'SF',
  中通: 'ZTO',
  中通快递: 'ZTO',
  圆通: 'YTO',
  圆通速递: 'YTO',
  申通: 'STO',
  申通快递: 'STO',
  韵达: 'YD',
  韵达速递: 'YD',
  京东: 'JD',
  京东物流: 'JD',
  邮政: 'YZPY',
  邮政快递包裹: 'YZPY',
  EMS: 'EMS',
  德邦: 'DBL',
  德邦快递: 'DBL',
  极兔: 'JTSD',
  极兔速递: 'JTSD',
  'SF EXPRESS': 'SF',
};

const MAX_ITEM_DESC = 120;

/** The body of `upload_shipping_info` for a shipped order (one package: delivery_mode 1, unified delivery). */
export interface ShippingInfoBody {
  order_key: { order_number_type: 2; transaction_id: string } | { order_number_type: 1; mchid: string; out_trade_no: string };
  logistics_type: 1 | 2 | 3 | 4;
  delivery_mode: 1;
  shipping_list: { tracking_no?: string; express_company?: string; item_desc: string; contact?: { receiver_contact: string } }[];
  upload_time: string;
  payer: { openid: string };
}

/** How WeChat finds the payment: by its transaction_id, or (none recorded) by our merchant id and out_trade_no. */
export function orderKeyOf(order: Order, mchId: string | undefined): ShippingInfoBody['order_key'] | undefined {
  if (order.transactionId) return { order_number_type: 2, transaction_id: order.transactionId };
  return mchId ? { order_number_type: 1, mchid: mchId, out_trade_no: order.orderNo } : undefined;
}

/** Only an order paid with WeChat Pay has shipping information to upload. */
export function paidWithWechatPay(order: Pick<Order, 'transactionId' | 'prepayId' | 'paidAt'>): boolean {
  return order.paidAt !== null && (order.transactionId !== null || order.prepayId !== null);
}

/**
 * The upload for an order. `upload_time` is the moment it was shipped, the same on every retry (WeChat orders the
 * uploads of a payment by it). Express carries the carrier's delivery id and tracking number, and the receiver's
 * phone masked as WeChat wants it (SF requires a contact).
 */
export function shippingInfoBody(order: Order, items: OrderItem[], orderKey: ShippingInfoBody['order_key'], openid: string): ShippingInfoBody {
  const logisticsType = order.logisticsType ?? 'express';
  const itemDesc = itemDescription(items);
  const express = logisticsType === 'express' && order.carrier && order.trackingNo;
  return {
    order_key: orderKey,
    logistics_type: WECHAT_LOGISTICS_TYPES[logisticsType],
    delivery_mode: 1,
    shipping_list: [
      express
        ? {
            tracking_no: order.trackingNo!,
            express_company: deliveryIdOf(order.carrier!),
            item_desc: itemDesc,
            contact: { receiver_contact: maskPhone(order.contactPhone) },
          }
        : { item_desc: itemDesc },
    ],
    upload_time: rfc3339InChina(order.shippedAt ?? new Date()),
    payer: { openid },
  };
}

export function deliveryIdOf(carrier: string): string {
  const name = carrier.trim();
  return DELIVERY_IDS[name] ?? DELIVERY_IDS[name.toUpperCase()] ?? name;
}

/** 「西湖龙井 250g*2 等3件」: the first line, and how many units the order has in all; at most 120 characters. */
export function itemDescription(items: OrderItem[]): string {
  const [first] = items;
  if (!first) return '商品';
  const units = items.reduce((sum, item) => sum + item.quantity, 0);
  const head = `${first.productTitle} ${first.skuName}*${first.quantity}`;
  const text = items.length > 1 ? `${head} 等${units}件` : head;
  return [...text].length > MAX_ITEM_DESC ? `${[...text].slice(0, MAX_ITEM_DESC - 1).join('')}…` : text;
}

/** 138****8000: every digit but the first three and the last four masked (WeChat wants the last four in clear). */
export function maskPhone(phone: string): string {
  const digits = phone.replace(/\D/g, '');
  if (digits.length <= 4) return digits.padStart(4, '*');
  const head = digits.length >= 11 ? digits.slice(0, 3) : '';
  return `${head}${'*'.repeat(digits.length - head.length - 4)}${digits.slice(-4)}`;
}

/** RFC 3339 in China Standard Time (UTC+8, no daylight saving), as WeChat's examples write it. */
export function rfc3339InChina(date: Date): string {
  const shifted = new Date(date.getTime() + 8 * 3600 * 1000);
  return `${shifted.toISOString().slice(0, 23)}+08:00`;
}
