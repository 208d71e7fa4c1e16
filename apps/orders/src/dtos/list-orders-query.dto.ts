import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsISO8601, Matches } from 'class-validator';
import { ID_PATTERN, Optional, PageQueryDto } from '#libs/contracts';
import { WECHAT_SYNC_STATES } from '../entities/order.entity';
import type { OrderStatus, WechatSync } from '../entities/order.entity';
import { ORDER_STATUSES } from '../services/order-state-machine';

/** GET /api/orders */
export class ListOrdersQueryDto extends PageQueryDto {
  @Optional()
  @IsIn(ORDER_STATUSES)
  status?: OrderStatus;
}

/** GET /api/orders/admin: staff filters. */
export class AdminListOrdersQueryDto extends ListOrdersQueryDto {
  @Optional()
  @Matches(ID_PATTERN, { message: 'userId must be a user id' })
  userId?: string;

  /** @example "2026120310150012312345" */
  @Optional()
  @Matches(/^\d{6,32}$/, { message: 'orderNo must be an order number' })
  orderNo?: string;

  /**
   * Orders created at or after this instant (ISO 8601).
   * @example 2026-12-01T00:00:00+08:00
   */
  @Optional()
  @IsISO8601({ strict: true })
  @ApiPropertyOptional({ format: 'date-time' })
  createdFrom?: string;

  /** Orders created before this instant (ISO 8601). */
  @Optional()
  @IsISO8601({ strict: true })
  @ApiPropertyOptional({ format: 'date-time' })
  createdTo?: string;

  /** Shipped orders whose shipping information stands so with WeChat (`failed`: the ones staff must see to). */
  @Optional()
  @IsIn(WECHAT_SYNC_STATES)
  wechatSync?: WechatSync;
}
