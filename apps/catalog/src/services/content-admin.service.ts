import { Injectable } from '@nestjs/common';
import { JsonCache } from '#libs/cache';
import { newId } from '#libs/database';
import { AppError } from '#libs/errors';
import { cursorBeforeId, Page, PageQueryDto, singlePage, toPage } from '#libs/contracts';
import {
  categoryView,
  CategoryView,
  staffArticleSummaryView,
  StaffArticleSummaryView,
  staffArticleView,
  StaffArticleView,
  staffBannerView,
  StaffBannerView,
} from '../dtos/catalog-views.dto';
import { CreateArticleDto, CreateBannerDto, CreateCategoryDto, UpdateArticleDto, UpdateBannerDto, UpdateCategoryDto } from '../dtos/content-admin.dto';
import { Category } from '../entities/category.entity';
import { UploadClient } from '../clients/upload.client';
import { CategoryRepository } from '../repositories/category.repository';
import { ContentRepository } from '../repositories/content.repository';
import { ProductRepository } from '../repositories/product.repository';
import { CACHE_NAMESPACES as NS } from './cache-namespaces';

/** Staff management of categories, articles and banners. */
@Injectable()
export class ContentAdminService {
  constructor(
    private readonly categories: CategoryRepository,
    private readonly products: ProductRepository,
    private readonly content: ContentRepository,
    private readonly cache: JsonCache,
    private readonly uploads: UploadClient,
  ) {}

  async createCategory(request: CreateCategoryDto): Promise<CategoryView> {
    if (request.parentId) await this.requireCategory(request.parentId);
    const id = newId();
    await this.categories.insert({ id, name: request.name, parentId: request.parentId ?? null, sortOrder: request.sortOrder ?? 0 });
    await this.cache.invalidate(NS.categories, NS.home);
    return categoryView(await this.requireCategory(id));
  }

  async updateCategory(id: string, changes: UpdateCategoryDto): Promise<CategoryView> {
    await this.requireCategory(id);
    if (changes.parentId) await this.refuseCycle(id, changes.parentId);
    await this.categories.update(id, changes);
    await this.cache.invalidate(NS.categories, NS.home, NS.productLists);
    return categoryView(await this.requireCategory(id));
  }

  /** Only an empty category (no subcategories, no products) can be deleted. */
  async deleteCategory(id: string): Promise<void> {
    await this.requireCategory(id);
    if ((await this.categories.countChildren(id)) || (await this.products.countInCategory(id))) {
      throw new AppError('CONFLICT', 'The category still has subcategories or products');
    }
    await this.categories.delete(id);
    await this.cache.invalidate(NS.categories, NS.home, NS.productLists);
  }

  async createArticle(request: CreateArticleDto): Promise<StaffArticleView> {
    await this.uploads.requirePublicImages('coverImage', [request.coverImage]);
    const id = newId();
    await this.content.insertArticle({
      id,
      title: request.title,
      summary: request.summary ?? null,
      body: request.body,
      coverImage: request.coverImage ?? null,
      published: request.published ?? true,
    });
    await this.cache.invalidate(NS.articleLists, NS.home);
    return this.article(id);
  }

  async updateArticle(id: string, changes: UpdateArticleDto): Promise<StaffArticleView> {
    await this.article(id);
    await this.uploads.requirePublicImages('coverImage', [changes.coverImage]);
    await this.content.updateArticle(id, changes);
    await this.cache.invalidate(NS.article(id), NS.articleLists, NS.home);
    return this.article(id);
  }

  async deleteArticle(id: string): Promise<void> {
    if (!(await this.content.deleteArticle(id))) throw new AppError('ARTICLE_NOT_FOUND', 'No such article');
    await this.cache.invalidate(NS.article(id), NS.articleLists, NS.home);
  }

  async createBanner(request: CreateBannerDto): Promise<StaffBannerView> {
    await this.uploads.requirePublicImages('image', [request.image]);
    const id = newId();
    await this.content.insertBanner({
      id,
      title: request.title,
      image: request.image,
      linkUrl: request.linkUrl ?? null,
      sortOrder: request.sortOrder ?? 0,
      active: request.active ?? true,
    });
    await this.cache.invalidate(NS.home);
    return this.banner(id);
  }

  async updateBanner(id: string, changes: UpdateBannerDto): Promise<StaffBannerView> {
    await this.banner(id);
    await this.uploads.requirePublicImages('image', [changes.image]);
    await this.content.updateBanner(id, changes);
    await this.cache.invalidate(NS.home);
    return this.banner(id);
  }

  async deleteBanner(id: string): Promise<void> {
    if (!(await this.content.deleteBanner(id))) throw new AppError('BANNER_NOT_FOUND', 'No such banner');
    await this.cache.invalidate(NS.home);
  }

  /** Every article, drafts too, newest first. */
  async articles(query: PageQueryDto): Promise<Page<StaffArticleSummaryView>> {
    const rows = await this.content.findPage(query.limit + 1, cursorBeforeId(query.cursor));
    return toPage(rows, query.limit, staffArticleSummaryView);
  }

  /** An article, published or a draft. */
  getArticle(id: string): Promise<StaffArticleView> {
    return this.article(id);
  }

  /** Every banner, active or not, in display order. */
  async banners(): Promise<Page<StaffBannerView>> {
    return singlePage((await this.content.findAllBanners()).map(staffBannerView));
  }

  private async article(id: string): Promise<StaffArticleView> {
    const article = await this.content.findArticle(id);
    if (!article) throw new AppError('ARTICLE_NOT_FOUND', 'No such article');
    return staffArticleView(article);
  }

  private async banner(id: string): Promise<StaffBannerView> {
    const banner = await this.content.findBanner(id);
    if (!banner) throw new AppError('BANNER_NOT_FOUND', 'No such banner');
    return staffBannerView(banner);
  }

  private async requireCategory(id: string): Promise<Category> {
    const category = await this.categories.findById(id);
    if (!category) throw new AppError('CATEGORY_NOT_FOUND', 'No such category');
    return category;
  }

  /** A category cannot move under itself or one of its descendants. */
  private async refuseCycle(id: string, parentId: string): Promise<void> {
    const all = new Map((await this.categories.findAll()).map((category) => [category.id, category]));
    if (!all.has(parentId)) throw new AppError('CATEGORY_NOT_FOUND', 'No such parent category');
    for (let cursor: string | null = parentId; cursor; cursor = all.get(cursor)?.parentId ?? null) {
      if (cursor === id) throw new AppError('CONFLICT', 'A category cannot be moved under itself');
    }
  }
}
