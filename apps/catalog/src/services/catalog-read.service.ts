import { Injectable } from '@nestjs/common';
import { CachedAnswer, JsonCache } from '#libs/cache';
import { decodeCursor, Page, PageQueryDto, toPage } from '#libs/contracts';
import { AppError } from '#libs/errors';
import {
  articleDetailView,
  articleSummaryView,
  bannerView,
  CategoryNode,
  categoryTree,
  productDetailView,
  ProductSummaryView,
  productSummaryView,
} from '../dtos/catalog-views.dto';
import { ListProductsQueryDto } from '../dtos/list-products-query.dto';
import { CategoryRepository } from '../repositories/category.repository';
import { ContentRepository } from '../repositories/content.repository';
import { ProductRepository, ProductSummaryRow } from '../repositories/product.repository';
import { CACHE_NAMESPACES as NS } from './cache-namespaces';
import { categoryAndDescendants } from './category-descendants';
import { querySearchTerms } from './search-terms';
import { UploadReferencesService } from './upload-references.service';

type Kept = (reference: string) => boolean;
const imagesOf = (row: ProductSummaryRow) => JSON.parse(row.images) as string[];
const keepImages = (row: ProductSummaryRow, kept: Kept): ProductSummaryRow => ({ ...row, images: JSON.stringify(imagesOf(row).filter(kept)) });
const keepCover = <T extends { coverImage: string | null }>(article: T, kept: Kept): T =>
  article.coverImage !== null && !kept(article.coverImage) ? { ...article, coverImage: null } : article;

const HOME_FEATURED = 10;
const HOME_ARTICLES = 5;

function beforeIdOf(cursor: string | undefined): string | undefined {
  if (cursor === undefined) return undefined;
  const id = decodeCursor(cursor);
  if (!id) throw new AppError('VALIDATION_FAILED', 'cursor is not valid', [{ field: 'cursor', message: 'cursor must come from a previous page' }]);
  return id;
}

/** The public read path. Answers are JSON text: hot ones come from the cache as ready bytes and are sent as they are. */
@Injectable()
export class CatalogReadService {
  constructor(
    private readonly cache: JsonCache,
    private readonly products: ProductRepository,
    private readonly categoryRecords: CategoryRepository,
    private readonly content: ContentRepository,
    private readonly references: UploadReferencesService,
  ) {}

  home(): Promise<CachedAnswer> {
    return this.cache.answer(NS.home, 'page', async () => {
      const [banners, tree, featured, articles] = await Promise.all([
        this.content.findActiveBanners(),
        this.categoryTree(),
        this.products.findFeatured(HOME_FEATURED),
        this.content.findPublishedPage(HOME_ARTICLES),
      ]);
      const kept = await this.references.keptAmong([
        ...banners.map((banner) => banner.image),
        ...featured.flatMap(imagesOf),
        ...articles.map((article) => article.coverImage),
      ]);
      return {
        banners: banners.filter((banner) => kept(banner.image)).map(bannerView),
        categories: tree,
        featured: featured.map((row) => productSummaryView(keepImages(row, kept))),
        articles: articles.map((article) => articleSummaryView(keepCover(article, kept))),
      };
    });
  }

  categories(): Promise<CachedAnswer> {
    return this.cache.answer(NS.categories, 'tree', () => this.categoryTree());
  }

  /** First pages (no cursor, no search) are cached; deeper pages and searches go to MySQL through the indexes. */
  async productPage(query: ListProductsQueryDto): Promise<CachedAnswer | string> {
    const beforeId = beforeIdOf(query.cursor);
    let categoryIds: string[] | undefined;
    if (query.categoryId) {
      categoryIds = categoryAndDescendants(
        JSON.parse(await this.cache.get(NS.categories, 'tree', () => this.categoryTree())) as CategoryNode[],
        query.categoryId,
      );
      if (!categoryIds) throw new AppError('CATEGORY_NOT_FOUND', 'No such category');
    }
    const load = () => this.loadProductPage(query, categoryIds, beforeId);
    if (!beforeId && !query.q) return this.cache.answer(NS.productLists, `${query.categoryId ?? 'all'}:${query.limit}`, load);
    return JSON.stringify(await load());
  }

  product(id: string): Promise<CachedAnswer> {
    return this.cache.answer(NS.product(id), 'detail', async () => {
      const found = await this.products.findWithSkus(id);
      if (!found || !found.product.onSale) throw new AppError('PRODUCT_NOT_FOUND', 'No such product');
      const kept = await this.references.keptAmong(found.product.images);
      return productDetailView({ ...found.product, images: found.product.images.filter(kept) }, found.skus);
    });
  }

  async articlePage(query: PageQueryDto): Promise<CachedAnswer | string> {
    const beforeId = beforeIdOf(query.cursor);
    const load = async () => {
      const articles = await this.content.findPublishedPage(query.limit + 1, beforeId);
      const kept = await this.references.keptAmong(articles.map((article) => article.coverImage));
      return toPage(articles, query.limit, (article) => articleSummaryView(keepCover(article, kept)));
    };
    if (!beforeId) return this.cache.answer(NS.articleLists, String(query.limit), load);
    return JSON.stringify(await load());
  }

  article(id: string): Promise<CachedAnswer> {
    return this.cache.answer(NS.article(id), 'detail', async () => {
      const article = await this.content.findArticle(id);
      if (!article || !article.published) throw new AppError('ARTICLE_NOT_FOUND', 'No such article');
      return articleDetailView(keepCover(article, await this.references.keptAmong([article.coverImage])));
    });
  }

  private async categoryTree(): Promise<CategoryNode[]> {
    return categoryTree(await this.categoryRecords.findAll());
  }

  private async loadProductPage(
    query: ListProductsQueryDto,
    categoryIds: string[] | undefined,
    beforeId: string | undefined,
  ): Promise<Page<ProductSummaryView>> {
    const searchTerms = query.q ? querySearchTerms(query.q) : undefined;
    if (query.q && !searchTerms?.length) return { items: [], nextCursor: null };
    const rows = await this.products.findOnSalePage({
      categoryIds,
      searchTerms,
      beforeId,
      limit: query.limit + 1,
    });
    const kept = await this.references.keptAmong(rows.slice(0, query.limit).flatMap(imagesOf));
    return toPage(rows, query.limit, (row) => productSummaryView(keepImages(row, kept)));
  }
}
