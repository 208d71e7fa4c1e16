import { Optional, UserText } from '#libs/contracts';

/** POST /api/orders/admin/:id/ship */
export class ShipOrderDto {
  @Optional()
  @UserText({ max: 32 })
  carrier?: string;

  @Optional()
  @UserText({ max: 64 })
  trackingNo?: string;
}

/** POST /api/orders/admin/:id/refund */
export class RefundOrderDto {
  @Optional()
  @UserText({ max: 80 })
  reason?: string;
}
