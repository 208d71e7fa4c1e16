import { IsOptional, IsString, Length } from 'class-validator';

/** POST /api/orders/admin/:id/ship */
export class ShipOrderDto {
  @IsOptional() @IsString() @Length(1, 32)
  carrier?: string;

  @IsOptional() @IsString() @Length(1, 64)
  trackingNo?: string;
}

/** POST /api/orders/admin/:id/refund */
export class RefundOrderDto {
  @IsOptional() @IsString() @Length(1, 80)
  reason?: string;
}
