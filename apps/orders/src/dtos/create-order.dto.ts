import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsInt, IsObject, Matches, Max, Min, ValidateNested } from 'class-validator';
import { ID_PATTERN, Optional, UserText } from '#libs/contracts';
import { OrderContactDto } from './contact.dto';

/** Most lines and units per line an order may have (the catalog's reservation limits). */
export const MAX_ORDER_LINES = 50;
export const MAX_LINE_QUANTITY = 999;

/** One line of a cart: which SKU and how many. Prices are never taken from the client. */
export class OrderLineDto {
  @Matches(ID_PATTERN, { message: 'skuId must be a SKU id' })
  skuId: string;

  @IsInt()
  @Min(1)
  @Max(MAX_LINE_QUANTITY)
  quantity: number;
}

/** POST /api/orders */
export class CreateOrderDto {
  @IsArray()
  @ArrayMinSize(1, { message: 'items must not be empty' })
  @ArrayMaxSize(MAX_ORDER_LINES)
  @ValidateNested({ each: true })
  @Type(() => OrderLineDto)
  items: OrderLineDto[];

  @IsObject()
  @ValidateNested()
  @Type(() => OrderContactDto)
  contact: OrderContactDto;

  @Optional()
  @UserText({ min: 0, max: 255, multiline: true })
  remark?: string;
}
