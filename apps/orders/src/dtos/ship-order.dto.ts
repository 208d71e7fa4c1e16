import { Optional, UserText } from '#libs/contracts';

/** POST /api/orders/admin/:id/ship */
export class ShipOrderDto {
  /** @example 顺丰速运 */
  @Optional()
  @UserText({ max: 32 })
  carrier?: string;

  /** @example SF1234567890123 */
  @Optional()
  @UserText({ max: 64 })
  trackingNo?: string;
}

/** POST /api/orders/admin/:id/refund */
export class RefundOrderDto {
  /**
   * Recorded in the order's history.
   * @example 缺货
   */
  @Optional()
  @UserText({ max: 80 })
  reason?: string;
}
