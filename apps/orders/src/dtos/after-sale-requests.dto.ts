import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsIn, IsInt, Matches, Max, Min, ValidateNested } from 'class-validator';
import { ID_PATTERN, Optional, PageQueryDto, UserText } from '#libs/contracts';
import type { AfterSaleStatus } from '../entities/after-sale.entity';
import { AFTER_SALE_STATUSES } from '../services/after-sale-rules';
import { MAX_LINE_QUANTITY, MAX_ORDER_LINES } from './create-order.dto';

/** Most photos a request may show. */
export const MAX_AFTER_SALE_IMAGES = 9;
/** WeChat Pay's ceiling for one amount, in fen. */
const MAX_FEN = 1_000_000_000;

/** An order line a request concerns, and how many of its units. */
export class AfterSaleItemDto {
  /** @example 01JD3Q8Y5M7T2K9X4C6V8B0N1P */
  @Matches(ID_PATTERN, { message: 'skuId must be a SKU id' })
  skuId: string;

  /** At most the units the order has of this SKU. @example 1 */
  @IsInt()
  @Min(1)
  @Max(MAX_LINE_QUANTITY)
  @ApiProperty({ maximum: MAX_LINE_QUANTITY })
  quantity: number;
}

/** POST /api/orders/:id/after-sales */
export class CreateAfterSaleDto {
  /**
   * Checked by WeChat's content security before anything is stored (422 CONTENT_REJECTED when refused).
   * @example 收到的茶叶受潮了
   */
  @UserText({ max: 200, multiline: true })
  reason: string;

  /**
   * The refund asked for, in fen: at most what is still refundable (paid, less refunds made and under way).
   * @example 990
   */
  @IsInt()
  @Min(1)
  @Max(MAX_FEN)
  @ApiProperty({ minimum: 1, maximum: MAX_FEN })
  refundFen: number;

  /** The lines concerned (default: the whole order); each SKU once. */
  @Optional()
  @IsArray()
  @ArrayMinSize(1, { message: 'items must not be empty' })
  @ArrayMaxSize(MAX_ORDER_LINES)
  @ValidateNested({ each: true })
  @Type(() => AfterSaleItemDto)
  @ApiProperty({ type: [AfterSaleItemDto], maxItems: MAX_ORDER_LINES, required: false })
  items?: AfterSaleItemDto[];

  /**
   * Checked by WeChat's content security before anything is stored (422 CONTENT_REJECTED when refused).
   * @example 外包装完好
   */
  @Optional()
  @UserText({ min: 0, max: 255, multiline: true })
  remark?: string;

  /** Photos: ids of images the caller uploaded (`POST /api/uploads`). */
  @Optional()
  @IsArray()
  @ArrayMaxSize(MAX_AFTER_SALE_IMAGES)
  @ArrayUnique()
  @Matches(ID_PATTERN, { each: true, message: 'each of imageUploadIds must be an upload id' })
  imageUploadIds?: string[];
}

/** POST /api/orders/admin/after-sales/:requestId/approve */
export class ApproveAfterSaleDto {
  /**
   * The amount to refund, in fen, when lower than the one asked for (default: the one asked for).
   * @example 500
   */
  @Optional()
  @IsInt()
  @Min(1)
  @Max(MAX_FEN)
  @ApiProperty({ minimum: 1, maximum: MAX_FEN, required: false })
  refundFen?: number;
}

/** POST /api/orders/admin/after-sales/:requestId/reject */
export class RejectAfterSaleDto {
  /** Shown to the user. @example 商品已使用，不支持退款 */
  @UserText({ max: 200, multiline: true })
  reason: string;
}

/** `/api/orders/:id/after-sales/:requestId` */
export class AfterSaleParamsDto {
  @ApiProperty({ pattern: ID_PATTERN.source, example: '01JDQ8Z6Y3B4C5D6E7F8G9H0JK' })
  @Matches(ID_PATTERN, { message: 'id must be a valid id' })
  id: string;

  @ApiProperty({ pattern: ID_PATTERN.source, example: '01JDQ9A1B2C3D4E5F6G7H8J9KM' })
  @Matches(ID_PATTERN, { message: 'requestId must be a valid id' })
  requestId: string;
}

/** `/api/orders/admin/after-sales/:requestId` */
export class AfterSaleRequestIdParamDto {
  @ApiProperty({ pattern: ID_PATTERN.source, example: '01JDQ9A1B2C3D4E5F6G7H8J9KM' })
  @Matches(ID_PATTERN, { message: 'requestId must be a valid id' })
  requestId: string;
}

/** GET /api/orders/admin/after-sales */
export class ListAfterSalesQueryDto extends PageQueryDto {
  @Optional()
  @IsIn(AFTER_SALE_STATUSES)
  status?: AfterSaleStatus;
}
