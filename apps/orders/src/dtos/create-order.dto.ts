import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsInt, IsObject, Matches, Max, Min, ValidateNested } from 'class-validator';
import { ExactlyOneOf, ID_PATTERN, Optional, UserText } from '#libs/contracts';
import { OrderContactDto } from './contact.dto';

/** Most lines and units per line an order may have (the catalog's reservation limits). */
export const MAX_ORDER_LINES = 50;
export const MAX_LINE_QUANTITY = 999;

/** One line of a cart: which SKU and how many. Prices are never taken from the client. */
export class OrderLineDto {
  /** @example 01JD3Q8Y5M7T2K9X4C6V8B0N1P */
  @Matches(ID_PATTERN, { message: 'skuId must be a SKU id' })
  skuId: string;

  /**
   * Lines of the same SKU are added up, and their sum has the same maximum.
   * @example 2
   */
  @IsInt()
  @Min(1)
  @Max(MAX_LINE_QUANTITY)
  @ApiProperty({ maximum: MAX_LINE_QUANTITY })
  quantity: number;
}

/** POST /api/orders */
export class CreateOrderDto {
  @IsArray()
  @ArrayMinSize(1, { message: 'items must not be empty' })
  @ArrayMaxSize(MAX_ORDER_LINES)
  @ValidateNested({ each: true })
  @Type(() => OrderLineDto)
  @ApiProperty({ type: [OrderLineDto], maxItems: MAX_ORDER_LINES })
  items: OrderLineDto[];

  /** Who receives the order and where; or `addressId` instead (exactly one of the two). */
  @ExactlyOneOf('addressId')
  @IsObject()
  @ValidateNested()
  @Type(() => OrderContactDto)
  contact?: OrderContactDto;

  /**
   * One of the caller's addresses (GET /api/auth/addresses), instead of `contact`: the order keeps a copy of it, which
   * a later change or deletion of the address does not touch. Another user's or a deleted one is 404 ADDRESS_NOT_FOUND.
   * @example 01JD3Q8Y5M7T2K9X4C6V8B0N1P
   */
  @ExactlyOneOf('contact')
  @Matches(ID_PATTERN, { message: 'addressId must be an address id' })
  addressId?: string;

  /**
   * Checked by WeChat's content security before anything is stored (422 CONTENT_REJECTED when refused).
   * @example 请下午送货
   */
  @Optional()
  @UserText({ min: 0, max: 255, multiline: true })
  remark?: string;

  /**
   * One of the caller's unused coupons (GET /api/coupons/mine) that applies to these items: the order then shows
   * `discountFen`. Another user's is 404 COUPON_NOT_FOUND; one that cannot be used is 409 COUPON_ALREADY_USED or
   * COUPON_NOT_USABLE (expired, not yet valid), or 422 COUPON_NOT_APPLICABLE (minimum spend, scope).
   * @example 01JD3Q8Y5M7T2K9X4C6V8B0N1P
   */
  @Optional()
  @Matches(ID_PATTERN, { message: 'userCouponId must be a coupon id from GET /api/coupons/mine' })
  userCouponId?: string;
}
