import { Type } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsOptional, Matches, Max, Min } from 'class-validator';
import { ID_PATTERN } from '#libs/contracts';
import type { OrderStatus } from '../entities/order.entity';
import { ORDER_STATUSES } from '../services/order-state-machine';

/** `?limit=` (default 20, at most 100) and `?cursor=` from the previous page. */
export class PageQueryDto {
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(100)
  limit: number = 20;

  @IsOptional() @Matches(/^[A-Za-z0-9_-]{1,64}$/, { message: 'cursor must be a cursor from a previous page' })
  cursor?: string;
}

/** GET /api/orders */
export class ListOrdersQueryDto extends PageQueryDto {
  @IsOptional() @IsIn(ORDER_STATUSES)
  status?: OrderStatus;
}

/** GET /api/orders/admin: staff filters. */
export class AdminListOrdersQueryDto extends ListOrdersQueryDto {
  @IsOptional() @Matches(ID_PATTERN, { message: 'userId must be a user id' })
  userId?: string;

  @IsOptional() @Matches(/^\d{6,32}$/, { message: 'orderNo must be an order number' })
  orderNo?: string;

  /** Orders created at or after this instant (ISO 8601). */
  @IsOptional() @IsISO8601({ strict: true })
  createdFrom?: string;

  /** Orders created before this instant (ISO 8601). */
  @IsOptional() @IsISO8601({ strict: true })
  createdTo?: string;
}
