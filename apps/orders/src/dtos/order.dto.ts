import { OrderItem } from '../entities/order-item.entity';
import { Order, OrderStatus, RefundStatus } from '../entities/order.entity';

/** An order line as clients see it. */
export interface OrderItemDto {
  skuId: string;
  productId: string;
  productTitle: string;
  skuName: string;
  imageUrl: string | null;
  priceFen: number;
  quantity: number;
  subtotalFen: number;
}

/** An order as its owner (and staff) see it. */
export class OrderDto {
  id: string;
  orderNo: string;
  userId: string;
  status: OrderStatus;
  totalFen: number;
  items: OrderItemDto[];
  contact: { name: string; phone: string; address: string | null };
  remark: string | null;
  createdAt: string;
  expiresAt: string;
  paidAt: string | null;
  shippedAt: string | null;
  shipment: { carrier: string | null; trackingNo: string | null } | null;
  completedAt: string | null;
  cancelledAt: string | null;
  cancelReason: string | null;
  refund: { status: RefundStatus; amountFen: number | null; refundedAt: string | null } | null;

  static from(order: Order, items: OrderItem[]): OrderDto {
    const iso = (date: Date | null) => (date ? date.toISOString() : null);
    return {
      id: order.id,
      orderNo: order.orderNo,
      userId: order.userId,
      status: order.status,
      totalFen: order.totalFen,
      items: items.map((item) => ({
        skuId: item.skuId,
        productId: item.productId,
        productTitle: item.productTitle,
        skuName: item.skuName,
        imageUrl: item.imageUrl,
        priceFen: item.unitPriceFen,
        quantity: item.quantity,
        subtotalFen: item.subtotalFen,
      })),
      contact: { name: order.contactName, phone: order.contactPhone, address: order.contactAddress },
      remark: order.remark,
      createdAt: order.createdAt.toISOString(),
      expiresAt: order.expiresAt.toISOString(),
      paidAt: iso(order.paidAt),
      shippedAt: iso(order.shippedAt),
      shipment: order.shippedAt ? { carrier: order.carrier, trackingNo: order.trackingNo } : null,
      completedAt: iso(order.completedAt),
      cancelledAt: iso(order.cancelledAt),
      cancelReason: order.cancelReason,
      refund: order.refundStatus ? { status: order.refundStatus, amountFen: order.refundFen, refundedAt: iso(order.refundedAt) } : null,
    };
  }
}

/** One line of an order's history, as staff see it. */
export interface OrderEventDto {
  from: string | null;
  to: string;
  actor: { kind: string; id: string | null };
  reason: string | null;
  at: string;
}

/** An order with its history, for staff. */
export interface AdminOrderDto extends OrderDto {
  stockState: string;
  transactionId: string | null;
  history: OrderEventDto[];
}
