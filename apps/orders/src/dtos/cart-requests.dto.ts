import { ApiProperty } from '@nestjs/swagger';
import { IsInt, Matches, Max, Min } from 'class-validator';
import { ID_PATTERN } from '#libs/contracts';

/** Most lines a cart holds, and most units of one line. */
export const MAX_CART_LINES = 50;
export const MAX_CART_QUANTITY = 99;

/** The `:skuId` of a cart route. */
export class CartSkuParamDto {
  @ApiProperty({ pattern: ID_PATTERN.source, example: '01JD3Q8Y5M7T2K9X4C6V8B0N1P' })
  @Matches(ID_PATTERN, { message: 'skuId must be a SKU id' })
  skuId: string;
}

/** PUT /api/cart/items/:skuId */
export class SetCartQuantityDto {
  /**
   * How many units the line holds; 0 removes it.
   * @example 2
   */
  @IsInt()
  @Min(0)
  @Max(MAX_CART_QUANTITY)
  @ApiProperty({ minimum: 0, maximum: MAX_CART_QUANTITY })
  quantity: number;
}
