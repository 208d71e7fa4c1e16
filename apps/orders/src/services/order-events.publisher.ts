import { Injectable, Logger } from '@nestjs/common';
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
import { MessageBus } from '#libs/messaging';
import { AfterSale } from '../entities/after-sale.entity';
import { AppointmentRow } from '../repositories/appointment.repository';
import { OrderRepository } from '../repositories/order.repository';

/**
 * Publishes the orders service's events once the change they announce is committed. Best effort (NATS core, see
 * docs/decisions/subscribe-messages.md): a failure is logged and costs the user a subscribe message, never the change.
 */
@Injectable()
export class OrderEventsPublisher {
  private readonly logger = new Logger(OrderEventsPublisher.name);

  constructor(
    private readonly bus: MessageBus,
    private readonly orders: OrderRepository,
  ) {}

  async orderPaid(orderId: string): Promise<void> {
    const base = await this.orderBase(orderId);
    if (base?.order.paidAt) await this.publish<OrderPaidEvent>(ORDER_EVENTS.paid, { ...base.event, paidAt: base.order.paidAt.toISOString() });
  }

  async orderShipped(orderId: string): Promise<void> {
    const base = await this.orderBase(orderId);
    if (!base?.order.shippedAt) return;
    const { order } = base;
    await this.publish<OrderShippedEvent>(ORDER_EVENTS.shipped, {
      ...base.event,
      shippedAt: order.shippedAt!.toISOString(),
      logisticsType: order.logisticsType ?? 'express',
      carrier: order.carrier,
      trackingNo: order.trackingNo,
    });
  }

  /** An unpaid order the system cancelled when its time was up. */
  async orderExpired(orderId: string): Promise<void> {
    const base = await this.orderBase(orderId);
    const cancelledAt = (base?.order.cancelledAt ?? new Date()).toISOString();
    if (base) await this.publish<OrderCancelledEvent>(ORDER_EVENTS.cancelled, { ...base.event, reason: 'expired', cancelledAt });
  }

  /** `decision`: what staff decided (the request itself may have moved on, to refunded). */
  async afterSaleDecided(request: AfterSale, orderNo: string, decision: 'approved' | 'rejected'): Promise<void> {
    await this.publish<AfterSaleDecidedEvent>(ORDER_EVENTS.afterSaleDecided, {
      afterSaleId: request.id,
      orderId: request.orderId,
      orderNo,
      userId: request.userId,
      decision,
      approvedFen: request.approvedFen,
      rejectReason: request.rejectReason,
      decidedAt: (request.decidedAt ?? new Date()).toISOString(),
    });
  }

  async bookingMade(row: AppointmentRow): Promise<void> {
    await this.publish<BookingMadeEvent>(ORDER_EVENTS.bookingMade, { ...bookingBase(row), contactName: row.contactName });
  }

  async bookingCancelled(row: AppointmentRow): Promise<void> {
    await this.publish<BookingCancelledEvent>(ORDER_EVENTS.bookingCancelled, {
      ...bookingBase(row),
      cancelledAt: (row.cancelledAt ?? new Date()).toISOString(),
    });
  }

  /** The order and what every event says of it; undefined (logged) when it cannot be read: callers need not catch. */
  private async orderBase(orderId: string) {
    const found = await this.orders.findPlaced(orderId).catch((error: Error) => {
      this.logger.warn({ msg: 'order event not published: the order could not be read', orderId, error: error.message });
      return null;
    });
    if (!found) return undefined;
    const { order, items } = found;
    const event: OrderEventBase = {
      orderId: order.id,
      orderNo: order.orderNo,
      userId: order.userId,
      itemTitle: items[0]?.productTitle ?? '',
      itemCount: order.itemCount,
      totalFen: order.totalFen,
    };
    return { order, event };
  }

  private async publish<T>(pattern: string, event: T): Promise<void> {
    try {
      await this.bus.publish(pattern, event);
    } catch (error) {
      this.logger.warn({ msg: 'order event not published', pattern, error: (error as Error).message });
    }
  }
}

function bookingBase(row: AppointmentRow): BookingEventBase {
  return {
    appointmentId: row.id,
    userId: row.userId,
    resourceName: row.resourceName,
    slotStartsAt: row.startsAt.toISOString(),
    slotEndsAt: row.endsAt.toISOString(),
  };
}
