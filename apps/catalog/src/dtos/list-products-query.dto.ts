import { IsString, Length, Matches } from 'class-validator';
import { ID_PATTERN, IsUserText, Optional, PageQueryDto } from '#libs/contracts';

/** GET /api/catalog/products */
export class ListProductsQueryDto extends PageQueryDto {
  @Optional()
  @Matches(ID_PATTERN, { message: 'categoryId must be a category id' })
  categoryId?: string;

  @Optional()
  @IsString()
  @IsUserText()
  @Length(1, 50)
  q?: string;
}
