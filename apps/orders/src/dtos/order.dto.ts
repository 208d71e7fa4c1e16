import { OrderItem } from '../entities/order-item.entity';
import type { ActorKind } from '../entities/order-event.entity';
import { LogisticsType, Order, OrderStatus, RefundStatus, StockState, WechatSync } from '../entities/order.entity';

/** An order line as clients see it: the catalog's name and price when the order was placed. */
export class OrderItemDto {
  skuId: string;
  productId: string;
  productTitle: string;
  skuName: string;
  imageUrl: string | null;
  /** Price of one unit, in fen. */
  priceFen: number;
  quantity: number;
  subtotalFen: number;
  /** This line's share of the order's `discountFen` (0 without a coupon). */
  discountFen: number;
}

/** The parts of an order's address, copied from the address-book entry it was placed with. */
export class OrderAddressPartsDto {
  /** @example "浙江省" */
  province: string;
  /** @example "杭州市" */
  city: string;
  /** @example "西湖区" */
  district: string;
  /** @example "龙井路 1 号" */
  detail: string;
  /** @example "310000" */
  postalCode: string | null;
}

/** Who receives an order. */
export class OrderContactViewDto {
  name: string;
  phone: string;
  address: string | null;
  /** The address in its parts when the order was placed with `addressId` (`address` is then these joined); null for a typed contact. */
  addressParts: OrderAddressPartsDto | null;
}

/** How an order was shipped, and whether WeChat has its shipping information. */
export class OrderShipmentDto {
  logisticsType: LogisticsType;
  carrier: string | null;
  trackingNo: string | null;
  /**
   * WeChat's copy of the shipping information (upload_shipping_info), which WeChat needs before it releases the
   * payment: `pending` while the upload is being sent or retried, `synced` once WeChat accepted it, `failed` when
   * WeChat refused it for good or every retry failed (staff see it and an alert fires), `not_required` for an order
   * not paid with WeChat Pay (nothing to upload); null for an order shipped before the backend uploaded shipping
   * information (entered in WeChat's console, if at all).
   */
  wechatSync: WechatSync | null;
}

/** The refund of a cancelled paid order. */
export class OrderRefundDto {
  /** `pending` until WeChat Pay accepts it; `failed` when WeChat Pay refused it (staff can send it again). */
  status: RefundStatus;
  amountFen: number | null;
  refundedAt: string | null;
}

/** An order as its owner (and staff) see it. */
export class OrderDto {
  id: string;
  /** The number shown to people and sent to WeChat Pay as `out_trade_no`. */
  orderNo: string;
  userId: string;
  status: OrderStatus;
  /** What the user pays, in fen, priced by the server from the catalog: the lines' subtotals less `discountFen`, at least 1. */
  totalFen: number;
  /** What the order's coupon took off, in fen (0 without one), computed by the server. */
  discountFen: number;
  items: OrderItemDto[];
  contact: OrderContactViewDto;
  remark: string | null;
  createdAt: string;
  /** An order still unpaid at this instant is cancelled and its stock released. */
  expiresAt: string;
  paidAt: string | null;
  shippedAt: string | null;
  /** null until the order is shipped. */
  shipment: OrderShipmentDto | null;
  completedAt: string | null;
  cancelledAt: string | null;
  /** `user_cancelled`, `payment_timeout`, `refunded_by_staff`... */
  cancelReason: string | null;
  /** null unless a refund is due or made. */
  refund: OrderRefundDto | null;

  static from(order: Order, items: OrderItem[]): OrderDto {
    const iso = (date: Date | null) => (date ? date.toISOString() : null);
    return {
      id: order.id,
      orderNo: order.orderNo,
      userId: order.userId,
      status: order.status,
      totalFen: order.totalFen,
      discountFen: order.discountFen,
      items: items.map((item) => ({
        skuId: item.skuId,
        productId: item.productId,
        productTitle: item.productTitle,
        skuName: item.skuName,
        imageUrl: item.imageUrl,
        priceFen: item.unitPriceFen,
        quantity: item.quantity,
        subtotalFen: item.subtotalFen,
        discountFen: item.discountFen,
      })),
      contact: { name: order.contactName, phone: order.contactPhone, address: order.contactAddress, addressParts: addressPartsOf(order) },
      remark: order.remark,
      createdAt: order.createdAt.toISOString(),
      expiresAt: order.expiresAt.toISOString(),
      paidAt: iso(order.paidAt),
      shippedAt: iso(order.shippedAt),
      shipment: order.shippedAt
        ? { logisticsType: order.logisticsType ?? 'express', carrier: order.carrier, trackingNo: order.trackingNo, wechatSync: order.wechatSync }
        : null,
      completedAt: iso(order.completedAt),
      cancelledAt: iso(order.cancelledAt),
      cancelReason: order.cancelReason,
      refund: order.refundStatus ? { status: order.refundStatus, amountFen: order.refundFen, refundedAt: iso(order.refundedAt) } : null,
    };
  }
}

/** The address parts an order keeps, or null when it was placed with a typed contact. */
function addressPartsOf(order: Order): OrderAddressPartsDto | null {
  const { contactProvince: province, contactCity: city, contactDistrict: district, contactDetail: detail, contactPostalCode: postalCode } = order;
  return province !== null && city !== null && district !== null && detail !== null ? { province, city, district, detail, postalCode } : null;
}

/** Who made a change of an order. */
export class OrderEventActorDto {
  kind: ActorKind;
  /** The user's or staff account's id, WeChat Pay's transaction id, or null (the system). */
  id: string | null;
}

/** One line of an order's history, as staff see it. */
export class OrderEventDto {
  /** null for the order's creation. */
  from: OrderStatus | null;
  to: OrderStatus;
  actor: OrderEventActorDto;
  reason: string | null;
  at: string;
}

/** An order with its stock state, payment reference and history, for staff. */
export class AdminOrderDto extends OrderDto {
  /** What the catalog holds for the order: `reserved` units, `confirmed` (sold) or `released` (back in stock). */
  stockState: StockState;
  /** WeChat Pay's transaction id, once paid. */
  transactionId: string | null;
  history: OrderEventDto[];
}
