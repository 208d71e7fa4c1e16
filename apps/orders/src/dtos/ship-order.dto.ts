import { IsIn } from 'class-validator';
import { Optional, RequiredWhen, UserText } from '#libs/contracts';
import type { LogisticsType } from '../entities/order.entity';

/** The logistics types WeChat's shipping information knows (its logistics_type 1-4, in this order). */
export const LOGISTICS_TYPES: readonly LogisticsType[] = ['express', 'same_city', 'virtual', 'self_pickup'];

/** Required when the order goes by express (the default); optional otherwise. */
function RequiredForExpress(): PropertyDecorator {
  return RequiredWhen((dto: ShipOrderDto) => (dto.logisticsType ?? 'express') === 'express', '$property is required when logisticsType is express');
}

/** POST /api/orders/admin/:id/ship */
export class ShipOrderDto {
  /**
   * `express` (a carrier and its tracking number), `same_city` (local delivery), `virtual` (nothing to deliver) or
   * `self_pickup` (the user collects it). Defaults to `express`.
   * @example express
   */
  @Optional()
  @IsIn(LOGISTICS_TYPES)
  logisticsType?: LogisticsType;

  /**
   * The carrier's name or WeChat delivery id (顺丰速运 or SF, 中通快递 or ZTO...). Required for express.
   * @example 顺丰速运
   */
  @RequiredForExpress()
  @UserText({ max: 32 })
  carrier?: string;

  /**
   * Required for express.
   * @example SF1234567890123
   */
  @RequiredForExpress()
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
