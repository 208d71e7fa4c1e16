import { IsOptional, IsString, Length, Matches } from 'class-validator';
import { ID_PATTERN, PageQueryDto } from '#libs/contracts';

/** GET /api/catalog/products */
export class ListProductsQueryDto extends PageQueryDto {
  @IsOptional() @Matches(ID_PATTERN, { message: 'categoryId must be a category id' })
  categoryId?: string;

  @IsOptional() @IsString() @Length(1, 50)
  q?: string;
}
