import { PartialType } from '@nestjs/mapped-types';
import { IsBoolean, IsInt, IsOptional, IsString, Length, Matches, Max, MaxLength, Min, ValidateIf } from 'class-validator';
import { ID_PATTERN } from '#libs/contracts';
import { IsImageReference } from './image-reference';

const LINK = /^(https?:\/\/[^\s"'<>]{1,500}|\/[^\s"'<>]{0,500})$/;

/** POST /api/catalog/admin/categories */
export class CreateCategoryDto {
  @IsString() @Length(1, 64)
  name: string;

  @IsOptional() @Matches(ID_PATTERN, { message: 'parentId must be a category id' })
  parentId?: string;

  @IsOptional() @IsInt() @Min(0) @Max(10000)
  sortOrder?: number;
}

/** PATCH /api/catalog/admin/categories/:id (parentId null moves it to the top). */
export class UpdateCategoryDto {
  @IsOptional() @IsString() @Length(1, 64)
  name?: string;

  @ValidateIf((dto: UpdateCategoryDto) => dto.parentId !== undefined && dto.parentId !== null)
  @Matches(ID_PATTERN, { message: 'parentId must be a category id' })
  parentId?: string | null;

  @IsOptional() @IsInt() @Min(0) @Max(10000)
  sortOrder?: number;
}

/** POST /api/catalog/admin/articles */
export class CreateArticleDto {
  @IsString() @Length(1, 120)
  title: string;

  @IsOptional() @IsString() @MaxLength(300)
  summary?: string;

  @IsString() @Length(1, 100000)
  body: string;

  @IsOptional() @IsImageReference()
  coverImage?: string;

  @IsOptional() @IsBoolean()
  published?: boolean;
}

/** PATCH /api/catalog/admin/articles/:id */
export class UpdateArticleDto extends PartialType(CreateArticleDto) {}

/** POST /api/catalog/admin/banners */
export class CreateBannerDto {
  @IsString() @Length(1, 120)
  title: string;

  @IsImageReference()
  image: string;

  @IsOptional() @Matches(LINK, { message: 'linkUrl must be an http(s) URL or a mini-program path' })
  linkUrl?: string;

  @IsOptional() @IsInt() @Min(0) @Max(10000)
  sortOrder?: number;

  @IsOptional() @IsBoolean()
  active?: boolean;
}

/** PATCH /api/catalog/admin/banners/:id */
export class UpdateBannerDto extends PartialType(CreateBannerDto) {}
