import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiErrors, ApiPageResponse } from '#libs/api-docs';
import { Roles } from '#libs/auth';
import { IdParamDto, Page, PageQueryDto } from '#libs/contracts';
import { CategoryView, StaffArticleSummaryView, StaffArticleView, StaffBannerView } from '../dtos/catalog-views.dto';
import { CreateArticleDto, CreateBannerDto, CreateCategoryDto, UpdateArticleDto, UpdateBannerDto, UpdateCategoryDto } from '../dtos/content-admin.dto';
import { ContentAdminService } from '../services/content-admin.service';

@Roles('admin', 'staff')
@Controller('api/catalog/admin')
export class ContentAdminController {
  constructor(private readonly content: ContentAdminService) {}

  /** Adds a category, at the top of the tree or under `parentId`. */
  @Post('categories')
  @ApiErrors('CATEGORY_NOT_FOUND')
  createCategory(@Body() body: CreateCategoryDto): Promise<CategoryView> {
    return this.content.createCategory(body);
  }

  /** Renames, reorders or moves a category (never under itself or one of its descendants: 409 CONFLICT). */
  @Patch('categories/:id')
  @ApiErrors('CATEGORY_NOT_FOUND', 'CONFLICT')
  updateCategory(@Param() params: IdParamDto, @Body() body: UpdateCategoryDto): Promise<CategoryView> {
    return this.content.updateCategory(params.id, body);
  }

  /** Deletes an empty category; one with subcategories or products is 409 CONFLICT. */
  @Delete('categories/:id')
  @HttpCode(204)
  @ApiErrors('CATEGORY_NOT_FOUND', 'CONFLICT')
  deleteCategory(@Param() params: IdParamDto): Promise<void> {
    return this.content.deleteCategory(params.id);
  }

  /** Every article, drafts too, newest first, without their bodies. */
  @Get('articles')
  @ApiPageResponse(StaffArticleSummaryView)
  listArticles(@Query() query: PageQueryDto): Promise<Page<StaffArticleSummaryView>> {
    return this.content.articles(query);
  }

  /** An article with its body, published or a draft. */
  @Get('articles/:id')
  @ApiErrors('ARTICLE_NOT_FOUND')
  getArticle(@Param() params: IdParamDto): Promise<StaffArticleView> {
    return this.content.getArticle(params.id);
  }

  /** Writes an article (published unless `published: false`). */
  @Post('articles')
  @ApiErrors('UPLOAD_NOT_FOUND')
  createArticle(@Body() body: CreateArticleDto): Promise<StaffArticleView> {
    return this.content.createArticle(body);
  }

  /** Changes an article, published or not. */
  @Patch('articles/:id')
  @ApiErrors('ARTICLE_NOT_FOUND', 'UPLOAD_NOT_FOUND')
  updateArticle(@Param() params: IdParamDto, @Body() body: UpdateArticleDto): Promise<StaffArticleView> {
    return this.content.updateArticle(params.id, body);
  }

  /** Deletes an article. */
  @Delete('articles/:id')
  @HttpCode(204)
  @ApiErrors('ARTICLE_NOT_FOUND')
  deleteArticle(@Param() params: IdParamDto): Promise<void> {
    return this.content.deleteArticle(params.id);
  }

  /** Every banner, active or not, in display order. */
  @Get('banners')
  @ApiPageResponse(StaffBannerView)
  listBanners(): Promise<Page<StaffBannerView>> {
    return this.content.banners();
  }

  /** Adds a home page banner (active unless `active: false`). */
  @Post('banners')
  @ApiErrors('UPLOAD_NOT_FOUND')
  createBanner(@Body() body: CreateBannerDto): Promise<StaffBannerView> {
    return this.content.createBanner(body);
  }

  /** Changes a banner: its image, link, order or whether it shows. */
  @Patch('banners/:id')
  @ApiErrors('BANNER_NOT_FOUND', 'UPLOAD_NOT_FOUND')
  updateBanner(@Param() params: IdParamDto, @Body() body: UpdateBannerDto): Promise<StaffBannerView> {
    return this.content.updateBanner(params.id, body);
  }

  /** Deletes a banner. */
  @Delete('banners/:id')
  @HttpCode(204)
  @ApiErrors('BANNER_NOT_FOUND')
  deleteBanner(@Param() params: IdParamDto): Promise<void> {
    return this.content.deleteBanner(params.id);
  }
}
