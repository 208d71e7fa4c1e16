import { Matches } from 'class-validator';
import { ID_PATTERN, Optional, PageQueryDto, UserText } from '#libs/contracts';

/** GET /api/catalog/products */
export class ListProductsQueryDto extends PageQueryDto {
  @Optional()
  @Matches(ID_PATTERN, { message: 'categoryId must be a category id' })
  categoryId?: string;

  @Optional()
  @UserText({ max: 50 })
  q?: string;
}
