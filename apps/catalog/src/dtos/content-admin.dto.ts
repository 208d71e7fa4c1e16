import { PartialType } from '@nestjs/swagger';
import { IsBoolean, IsInt, Matches, Max, Min } from 'class-validator';
import { ID_PATTERN, Optional, OptionalOrNull, UserText } from '#libs/contracts';
import { IsImageReference } from './image-reference';

/** POST /api/catalog/admin/categories */
export class CreateCategoryDto {
  /** @example "Tea" */
  @UserText({ max: 64 })
  name: string;

  /**
   * The parent category; left out, the category is at the top of the tree.
   * @example "01JD3QZ7X9V2W8K4M6N0P1R5ST"
   */
  @Optional()
  @Matches(ID_PATTERN, { message: 'parentId must be a category id' })
  parentId?: string;

  /**
   * Lower first among siblings (default 0).
   * @example 10
   */
  @Optional()
  @IsInt()
  @Min(0)
  @Max(10000)
  sortOrder?: number;
}

/** PATCH /api/catalog/admin/categories/:id (parentId null moves it to the top). */
export class UpdateCategoryDto {
  /** @example "Green tea" */
  @Optional()
  @UserText({ max: 64 })
  name?: string;

  /** The new parent category; null moves the category to the top of the tree. */
  @OptionalOrNull()
  @Matches(ID_PATTERN, { message: 'parentId must be a category id' })
  parentId?: string | null;

  /** Lower first among siblings. */
  @Optional()
  @IsInt()
  @Min(0)
  @Max(10000)
  sortOrder?: number;
}

/** POST /api/catalog/admin/articles */
export class CreateArticleDto {
  /** @example "How to brew green tea" */
  @UserText({ max: 120 })
  title: string;

  /**
   * Shown in lists.
   * @example "Water at 80 °C, three minutes."
   */
  @Optional()
  @UserText({ min: 0, max: 300, multiline: true })
  summary?: string;

  /** The article text; line breaks are kept. */
  @UserText({ max: 100000, multiline: true })
  body: string;

  /**
   * The id of a public image upload, or an http(s) URL.
   * @example "01JD3QZ7X9V2W8K4M6N0P1R5ST"
   */
  @Optional()
  @IsImageReference()
  coverImage?: string;

  /** Whether users see it (default true). */
  @Optional()
  @IsBoolean()
  published?: boolean;
}

/** PATCH /api/catalog/admin/articles/:id */
export class UpdateArticleDto extends PartialType(CreateArticleDto, { skipNullProperties: false }) {}

/** POST /api/catalog/admin/banners */
export class CreateBannerDto {
  /** @example "Spring tea is here" */
  @UserText({ max: 120 })
  title: string;

  /**
   * The id of a public image upload, or an http(s) URL.
   * @example "01JD3QZ7X9V2W8K4M6N0P1R5ST"
   */
  @IsImageReference()
  image: string;

  /**
   * Where a tap goes: an http(s) URL or a mini-program page path.
   * @example "/pages/product/index?id=01JD3QZ7X9V2W8K4M6N0P1R5ST"
   */
  @Optional()
  @Matches(/^(https?:\/\/[^\s"'<>]{1,500}|\/[^\s"'<>]{0,500})$/, { message: 'linkUrl must be an http(s) URL or a mini-program path' })
  linkUrl?: string;

  /** Lower first (default 0). */
  @Optional()
  @IsInt()
  @Min(0)
  @Max(10000)
  sortOrder?: number;

  /** Whether the home page shows it (default true). */
  @Optional()
  @IsBoolean()
  active?: boolean;
}

/** PATCH /api/catalog/admin/banners/:id */
export class UpdateBannerDto extends PartialType(CreateBannerDto, { skipNullProperties: false }) {}
