import { PartialType } from '@nestjs/mapped-types';
import { IsBoolean, IsInt, Matches, Max, Min } from 'class-validator';
import { ID_PATTERN, Optional, OptionalOrNull, UserText } from '#libs/contracts';
import { IsImageReference } from './image-reference';

const LINK = /^(https?:\/\/[^\s"'<>]{1,500}|\/[^\s"'<>]{0,500})$/;

/** POST /api/catalog/admin/categories */
export class CreateCategoryDto {
  @UserText({ max: 64 })
  name: string;

  @Optional()
  @Matches(ID_PATTERN, { message: 'parentId must be a category id' })
  parentId?: string;

  @Optional()
  @IsInt()
  @Min(0)
  @Max(10000)
  sortOrder?: number;
}

/** PATCH /api/catalog/admin/categories/:id (parentId null moves it to the top). */
export class UpdateCategoryDto {
  @Optional()
  @UserText({ max: 64 })
  name?: string;

  @OptionalOrNull()
  @Matches(ID_PATTERN, { message: 'parentId must be a category id' })
  parentId?: string | null;

  @Optional()
  @IsInt()
  @Min(0)
  @Max(10000)
  sortOrder?: number;
}

/** POST /api/catalog/admin/articles */
export class CreateArticleDto {
  @UserText({ max: 120 })
  title: string;

  @Optional()
  @UserText({ min: 0, max: 300, multiline: true })
  summary?: string;

  @UserText({ max: 100000, multiline: true })
  body: string;

  @Optional()
  @IsImageReference()
  coverImage?: string;

  @Optional()
  @IsBoolean()
  published?: boolean;
}

/** PATCH /api/catalog/admin/articles/:id */
export class UpdateArticleDto extends PartialType(CreateArticleDto, { skipNullProperties: false }) {}

/** POST /api/catalog/admin/banners */
export class CreateBannerDto {
  @UserText({ max: 120 })
  title: string;

  @IsImageReference()
  image: string;

  @Optional()
  @Matches(LINK, { message: 'linkUrl must be an http(s) URL or a mini-program path' })
  linkUrl?: string;

  @Optional()
  @IsInt()
  @Min(0)
  @Max(10000)
  sortOrder?: number;

  @Optional()
  @IsBoolean()
  active?: boolean;
}

/** PATCH /api/catalog/admin/banners/:id */
export class UpdateBannerDto extends PartialType(CreateBannerDto, { skipNullProperties: false }) {}
