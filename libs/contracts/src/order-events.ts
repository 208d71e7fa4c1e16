import { IsIn, IsInt, IsISO8601, IsString, Matches, MaxLength, Min } from 'class-validator';
import { OptionalOrNull } from './field-rules';
import { ID_PATTERN } from './id-param.dto';

/**
 * Events the orders service publishes once the change they announce is committed. Auth follows them to send
 * the user's subscribe messages; delivery is best effort (see docs/decisions/subscribe-messages.md).
 */
export const ORDER_EVENTS = {
  /** OrderPaidEvent: WeChat Pay reported the order paid (published once per order, on the transition). */
  paid: 'orders.order.paid',
  /** OrderShippedEvent: staff shipped the order (published once, after the ship committed). */
  shipped: 'orders.order.shipped',
  /** OrderCancelledEvent: the order was cancelled by the system (`reason: "expired"`: unpaid in time). */
  cancelled: 'orders.order.cancelled',
  /** AfterSaleDecidedEvent: staff approved or rejected an after-sale request. */
  afterSaleDecided: 'orders.after_sale.decided',
  /** BookingMadeEvent: a user booked a place in a slot. */
  bookingMade: 'orders.booking.made',
  /** BookingCancelledEvent: a booking was cancelled (by its user or staff); its reminder is dropped. */
  bookingCancelled: 'orders.booking.cancelled',
} as const;

/** What every order event says of the order it concerns. */
export class OrderEventBase {
  @Matches(ID_PATTERN)
  orderId: string;

  @IsString()
  @MaxLength(32)
  orderNo: string;

  @Matches(ID_PATTERN)
  userId: string;

  /** The first line's product title, for a message's "goods" field. */
  @IsString()
  @MaxLength(255)
  itemTitle: string;

  @IsInt()
  @Min(1)
  itemCount: number;

  /** What the order costs (what was or would have been paid). */
  @IsInt()
  @Min(0)
  totalFen: number;
}

export class OrderPaidEvent extends OrderEventBase {
  @IsISO8601()
  paidAt: string;
}

export class OrderShippedEvent extends OrderEventBase {
  @IsISO8601()
  shippedAt: string;

  @IsIn(['express', 'same_city', 'virtual', 'self_pickup'])
  logisticsType: 'express' | 'same_city' | 'virtual' | 'self_pickup';

  /** The carrier staff named (express; may be given for the other types). */
  @OptionalOrNull()
  @IsString()
  @MaxLength(32)
  carrier: string | null;

  @OptionalOrNull()
  @IsString()
  @MaxLength(64)
  trackingNo: string | null;
}

export class OrderCancelledEvent extends OrderEventBase {
  @IsIn(['expired'])
  reason: 'expired';

  @IsISO8601()
  cancelledAt: string;
}

export class AfterSaleDecidedEvent {
  @Matches(ID_PATTERN)
  afterSaleId: string;

  @Matches(ID_PATTERN)
  orderId: string;

  @IsString()
  @MaxLength(32)
  orderNo: string;

  @Matches(ID_PATTERN)
  userId: string;

  @IsIn(['approved', 'rejected'])
  decision: 'approved' | 'rejected';

  /** The refund staff approved; null for a rejection. */
  @OptionalOrNull()
  @IsInt()
  @Min(0)
  approvedFen: number | null;

  @OptionalOrNull()
  @IsString()
  @MaxLength(200)
  rejectReason: string | null;

  @IsISO8601()
  decidedAt: string;
}

/** What every booking event says of the booking it concerns. */
export class BookingEventBase {
  @Matches(ID_PATTERN)
  appointmentId: string;

  @Matches(ID_PATTERN)
  userId: string;

  @IsString()
  @MaxLength(64)
  resourceName: string;

  /** When the booked slot starts (the reminder is due an hour before). */
  @IsISO8601()
  slotStartsAt: string;

  @IsISO8601()
  slotEndsAt: string;
}

export class BookingMadeEvent extends BookingEventBase {
  @IsString()
  @MaxLength(64)
  contactName: string;
}

export class BookingCancelledEvent extends BookingEventBase {
  @IsISO8601()
  cancelledAt: string;
}
