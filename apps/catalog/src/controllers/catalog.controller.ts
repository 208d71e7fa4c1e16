import { Controller, Get, Header, Param, Query, UseInterceptors } from '@nestjs/common';
import { ApiOkResponse } from '@nestjs/swagger';
import { SkipThrottle } from '@nestjs/throttler';
import { ApiErrors, ApiPageResponse } from '#libs/api-docs';
import { Public } from '#libs/auth';
import { CachedAnswer, ReadyAnswerInterceptor } from '#libs/cache';
import { IdParamDto, PageQueryDto } from '#libs/contracts';
import { ArticleDetailView, ArticleSummaryView, CategoryNode, HomeView, ProductDetailView, ProductSummaryView } from '../dtos/catalog-views.dto';
import { ListProductsQueryDto } from '../dtos/list-products-query.dto';
import { CatalogReadService } from '../services/catalog-read.service';

const JSON_TYPE = 'application/json; charset=utf-8';

/**
 * The public read path; handlers return JSON text or cached answers that are sent as they are (so the response
 * types are declared with @ApiOkResponse), and a URL answered from the cache is answered from the replica's memory
 * before Nest from then on (ReadyAnswers). Not rate limited: a limit costs a Redis round trip per request, more
 * than serving these answers from memory does.
 */
@Public()
@SkipThrottle()
@UseInterceptors(ReadyAnswerInterceptor)
@Controller('api/catalog')
export class CatalogController {
  constructor(private readonly catalog: CatalogReadService) {}

  /** The home page in one call: banners, the category tree, featured products and the latest articles. */
  @Get('home')
  @Header('Content-Type', JSON_TYPE)
  @ApiOkResponse({ type: HomeView })
  home(): Promise<CachedAnswer> {
    return this.catalog.home();
  }

  /** The whole category tree, in display order. */
  @Get('categories')
  @Header('Content-Type', JSON_TYPE)
  @ApiOkResponse({ type: CategoryNode, isArray: true })
  categories(): Promise<CachedAnswer> {
    return this.catalog.categories();
  }

  /** Products on sale, newest first, optionally in a category (and its subcategories) or matching a title search. */
  @Get('products')
  @Header('Content-Type', JSON_TYPE)
  @ApiPageResponse(ProductSummaryView)
  @ApiErrors('CATEGORY_NOT_FOUND')
  products(@Query() query: ListProductsQueryDto): Promise<CachedAnswer | string> {
    return this.catalog.productPage(query);
  }

  /** A product on sale, with its SKUs, their prices and stock, and its image URLs. */
  @Get('products/:id')
  @Header('Content-Type', JSON_TYPE)
  @ApiOkResponse({ type: ProductDetailView })
  @ApiErrors('PRODUCT_NOT_FOUND')
  product(@Param() params: IdParamDto): Promise<CachedAnswer> {
    return this.catalog.product(params.id);
  }

  /** Published articles, newest first. */
  @Get('articles')
  @Header('Content-Type', JSON_TYPE)
  @ApiPageResponse(ArticleSummaryView)
  articles(@Query() query: PageQueryDto): Promise<CachedAnswer | string> {
    return this.catalog.articlePage(query);
  }

  /** A published article with its body. */
  @Get('articles/:id')
  @Header('Content-Type', JSON_TYPE)
  @ApiOkResponse({ type: ArticleDetailView })
  @ApiErrors('ARTICLE_NOT_FOUND')
  article(@Param() params: IdParamDto): Promise<CachedAnswer> {
    return this.catalog.article(params.id);
  }
}
