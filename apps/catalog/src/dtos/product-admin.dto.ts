import { OmitType, PartialType } from '@nestjs/mapped-types';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsBoolean, IsInt, Matches, Max, Min, NotEquals, ValidateNested } from 'class-validator';
import { ID_PATTERN, Optional, UserText } from '#libs/contracts';
import { IsImageReference } from './image-reference';

const MAX_PRICE_FEN = 100_000_000;
const MAX_STOCK = 10_000_000;

/** A SKU as staff create it. */
export class CreateSkuDto {
  @UserText({ max: 64 })
  name: string;

  @IsInt()
  @Min(0)
  @Max(MAX_PRICE_FEN)
  priceFen: number;

  @IsInt()
  @Min(0)
  @Max(MAX_STOCK)
  stock: number;

  @Optional()
  @IsInt()
  @Min(0)
  @Max(10000)
  sortOrder?: number;
}

/** PATCH /api/catalog/admin/skus/:id (setting `stock` outright; use stock adjustments while orders are flowing). */
export class UpdateSkuDto extends PartialType(CreateSkuDto, { skipNullProperties: false }) {}

/** POST /api/catalog/admin/skus/:id/stock-adjustments */
export class AdjustStockDto {
  @IsInt()
  @Min(-MAX_STOCK)
  @Max(MAX_STOCK)
  @NotEquals(0)
  delta: number;
}

/** POST /api/catalog/admin/products */
export class CreateProductDto {
  @Matches(ID_PATTERN, { message: 'categoryId must be a category id' })
  categoryId: string;

  @UserText({ max: 120 })
  title: string;

  @Optional()
  @UserText({ min: 0, max: 200 })
  subtitle?: string;

  @Optional()
  @UserText({ min: 0, max: 10000, multiline: true })
  description?: string;

  @Optional()
  @ArrayMaxSize(20)
  @IsImageReference(true)
  images?: string[];

  @Optional()
  @IsBoolean()
  onSale?: boolean;

  @Optional()
  @IsBoolean()
  featured?: boolean;

  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => CreateSkuDto)
  skus: CreateSkuDto[];
}

/** PATCH /api/catalog/admin/products/:id (SKUs are changed through their own routes). */
export class UpdateProductDto extends PartialType(OmitType(CreateProductDto, ['skus'] as const), { skipNullProperties: false }) {}
