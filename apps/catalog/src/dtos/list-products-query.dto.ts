import { Matches } from 'class-validator';
import { ID_PATTERN, Optional, PageQueryDto, UserText } from '#libs/contracts';

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
