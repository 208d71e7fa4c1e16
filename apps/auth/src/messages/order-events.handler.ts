import { EventPattern, Payload } from '@nestjs/microservices';
import {
  AfterSaleDecidedEvent,
  BookingCancelledEvent,
  BookingEventBase,
  BookingMadeEvent,
  OrderCancelledEvent,
  ORDER_EVENTS,
  OrderEventBase,
  OrderPaidEvent,
  OrderShippedEvent,
} from '#libs/contracts';
import { BusHandler } from '#libs/messaging';
import { SubscribeMessageScheduler } from '../jobs/subscribe-message.scheduler';
import { MessageValues } from '../services/subscribe-message-content';

/** What the user reads as the carrier when staff named none. */
const LOGISTICS_NAMES: Record<OrderShippedEvent['logisticsType'], string> = {
  express: '快递',
  same_city: '同城配送',
  virtual: '虚拟发货',
  self_pickup: '到店自提',
};
const CANCEL_REASONS: Record<OrderCancelledEvent['reason'], string> = { expired: '订单超时未支付' };

/** The orders service's events: each queues the subscribe message that tells the user (one replica of auth handles each). */
@BusHandler()
export class OrderEventsHandler {
  constructor(private readonly messages: SubscribeMessageScheduler) {}

  @EventPattern(ORDER_EVENTS.paid)
  paid(@Payload() event: OrderPaidEvent): Promise<void> {
    return this.messages.enqueue('order_paid', event.orderId, { userId: event.userId, values: { ...orderValues(event), paidAt: event.paidAt } });
  }

  @EventPattern(ORDER_EVENTS.shipped)
  shipped(@Payload() event: OrderShippedEvent): Promise<void> {
    const values = {
      ...orderValues(event),
      carrier: event.carrier ?? LOGISTICS_NAMES[event.logisticsType] ?? null,
      trackingNo: event.trackingNo,
      shippedAt: event.shippedAt,
    };
    return this.messages.enqueue('order_shipped', event.orderId, { userId: event.userId, values });
  }

  @EventPattern(ORDER_EVENTS.cancelled)
  cancelled(@Payload() event: OrderCancelledEvent): Promise<void> {
    const values = { ...orderValues(event), reason: CANCEL_REASONS[event.reason] ?? event.reason, cancelledAt: event.cancelledAt };
    return this.messages.enqueue('order_cancelled', event.orderId, { userId: event.userId, values });
  }

  @EventPattern(ORDER_EVENTS.afterSaleDecided)
  afterSaleDecided(@Payload() event: AfterSaleDecidedEvent): Promise<void> {
    const approved = event.decision === 'approved';
    const values: MessageValues = {
      afterSaleId: event.afterSaleId,
      orderId: event.orderId,
      orderNo: event.orderNo,
      decision: approved ? '已通过' : '未通过',
      refund: approved ? (event.approvedFen ?? 0) : 0,
      note: approved ? '退款将原路退回' : (event.rejectReason ?? '申请未通过'),
      decidedAt: event.decidedAt,
    };
    return this.messages.enqueue('after_sale_decided', event.afterSaleId, { userId: event.userId, values });
  }

  /** A booking: its confirmation now, and its reminder before the slot starts. */
  @EventPattern(ORDER_EVENTS.bookingMade)
  async bookingMade(@Payload() event: BookingMadeEvent): Promise<void> {
    const job = { userId: event.userId, values: { ...bookingValues(event), contactName: event.contactName } };
    await this.messages.enqueue('booking_made', event.appointmentId, job);
    await this.messages.remindBefore(event.appointmentId, new Date(event.slotStartsAt), job);
  }

  @EventPattern(ORDER_EVENTS.bookingCancelled)
  bookingCancelled(@Payload() event: BookingCancelledEvent): Promise<void> {
    return this.messages.dropReminder(event.appointmentId);
  }
}

function orderValues(event: OrderEventBase): MessageValues {
  return { orderId: event.orderId, orderNo: event.orderNo, itemTitle: event.itemTitle, itemCount: String(event.itemCount), total: event.totalFen };
}

function bookingValues(event: BookingEventBase): MessageValues {
  return { appointmentId: event.appointmentId, resourceName: event.resourceName, startsAt: event.slotStartsAt, endsAt: event.slotEndsAt };
}
