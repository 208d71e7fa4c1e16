import { IsIn, IsInt, Matches, Max, Min } from 'class-validator';
import { ID_PATTERN, Optional, PageQueryDto, QueryInt, UserText } from '#libs/contracts';

/** GET /api/catalog/products */
export class ListProductsQueryDto extends PageQueryDto {
  /**
   * Only products in this category or one of its subcategories.
   * @example "01JD3QZ7X9V2W8K4M6N0P1R5ST"
   */
  @Optional()
  @Matches(ID_PATTERN, { message: 'categoryId must be a category id' })
  categoryId?: string;

  /**
   * Words to find in product titles.
   * @example "green tea"
   */
  @Optional()
  @UserText({ max: 50 })
  q?: string;
}

/** GET /api/catalog/admin/products: every product, on sale or not. */
export class ListStaffProductsQueryDto extends ListProductsQueryDto {
  /** Only products on sale (`true`) or off sale (`false`). */
  @Optional()
  @IsIn(['true', 'false'])
  onSale?: 'true' | 'false';

  /**
   * Only products with a SKU whose stock is below this (the low-stock list).
   * @example 10
   */
  @Optional()
  @QueryInt()
  @IsInt()
  @Min(1)
  @Max(10000000)
  stockBelow?: number;
}
