import { IsString, Length } from 'class-validator';
import { IsUserText, Optional } from '#libs/contracts';

/** POST /api/orders/admin/:id/ship */
export class ShipOrderDto {
  @Optional()
  @IsString()
  @IsUserText()
  @Length(1, 32)
  carrier?: string;

  @Optional()
  @IsString()
  @IsUserText()
  @Length(1, 64)
  trackingNo?: string;
}

/** POST /api/orders/admin/:id/refund */
export class RefundOrderDto {
  @Optional()
  @IsString()
  @IsUserText()
  @Length(1, 80)
  reason?: string;
}
