import { Body, Controller, Delete, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { Roles } from '#libs/auth';
import { IdParamDto } from '#libs/contracts';
import { ArticleDetailView, BannerView } from '../dtos/catalog-views';
import { CreateArticleDto, CreateBannerDto, CreateCategoryDto, UpdateArticleDto, UpdateBannerDto, UpdateCategoryDto } from '../dtos/content-admin.dto';
import { Category } from '../entities/category.entity';
import { ContentAdminService } from '../services/content-admin.service';

@Roles('admin', 'staff')
@Controller('api/catalog/admin')
export class ContentAdminController {
  constructor(private readonly content: ContentAdminService) {}

  @Post('categories')
  createCategory(@Body() body: CreateCategoryDto): Promise<Category> {
    return this.content.createCategory(body);
  }

  @Patch('categories/:id')
  updateCategory(@Param() params: IdParamDto, @Body() body: UpdateCategoryDto): Promise<Category> {
    return this.content.updateCategory(params.id, body);
  }

  @Delete('categories/:id')
  @HttpCode(204)
  deleteCategory(@Param() params: IdParamDto): Promise<void> {
    return this.content.deleteCategory(params.id);
  }

  @Post('articles')
  createArticle(@Body() body: CreateArticleDto): Promise<ArticleDetailView> {
    return this.content.createArticle(body);
  }

  @Patch('articles/:id')
  updateArticle(@Param() params: IdParamDto, @Body() body: UpdateArticleDto): Promise<ArticleDetailView> {
    return this.content.updateArticle(params.id, body);
  }

  @Delete('articles/:id')
  @HttpCode(204)
  deleteArticle(@Param() params: IdParamDto): Promise<void> {
    return this.content.deleteArticle(params.id);
  }

  @Post('banners')
  createBanner(@Body() body: CreateBannerDto): Promise<BannerView> {
    return this.content.createBanner(body);
  }

  @Patch('banners/:id')
  updateBanner(@Param() params: IdParamDto, @Body() body: UpdateBannerDto): Promise<BannerView> {
    return this.content.updateBanner(params.id, body);
  }

  @Delete('banners/:id')
  @HttpCode(204)
  deleteBanner(@Param() params: IdParamDto): Promise<void> {
    return this.content.deleteBanner(params.id);
  }
}
