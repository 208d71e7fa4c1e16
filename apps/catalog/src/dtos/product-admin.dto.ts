import { OmitType, PartialType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsBoolean, IsInt, Matches, Max, Min, NotEquals, ValidateNested } from 'class-validator';
import { ID_PATTERN, Optional, UserText } from '#libs/contracts';
import { IsImageReference } from './image-reference';

// The limits are literals, not named constants, so that the OpenAPI plugin (which reads the source) shows them:
// prices up to 1,000,000 yuan (100,000,000 fen), stock up to 10,000,000 units.

/** A SKU as staff create it. */
export class CreateSkuDto {
  /** @example "500 g" */
  @UserText({ max: 64 })
  name: string;

  /**
   * Price in fen (1990 is ¥19.90).
   * @example 1990
   */
  @IsInt()
  @Min(0)
  @Max(100000000)
  priceFen: number;

  /**
   * Units on hand.
   * @example 100
   */
  @IsInt()
  @Min(0)
  @Max(10000000)
  stock: number;

  /** Lower first among the product's SKUs (default: its place in the list). */
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
  /**
   * Units to add (positive) or remove (negative), never 0; stock never goes below zero.
   * @example 20
   */
  @IsInt()
  @Min(-10000000)
  @Max(10000000)
  @NotEquals(0)
  delta: number;
}

/** POST /api/catalog/admin/products */
export class CreateProductDto {
  /** @example "01JD3QZ7X9V2W8K4M6N0P1R5ST" */
  @Matches(ID_PATTERN, { message: 'categoryId must be a category id' })
  categoryId: string;

  /** @example "West Lake Longjing" */
  @UserText({ max: 120 })
  title: string;

  /** @example "Spring 2025 harvest" */
  @Optional()
  @UserText({ min: 0, max: 200 })
  subtitle?: string;

  /** The product page text; line breaks are kept. */
  @Optional()
  @UserText({ min: 0, max: 10000, multiline: true })
  description?: string;

  /**
   * Ids of public image uploads or http(s) URLs; the first is the cover.
   * @example ["01JD3QZ7X9V2W8K4M6N0P1R5ST"]
   */
  @Optional()
  @ArrayMaxSize(20)
  @IsImageReference(true)
  images?: string[];

  /** Whether users see it (default true). */
  @Optional()
  @IsBoolean()
  onSale?: boolean;

  /** Whether the home page shows it (default false). */
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
