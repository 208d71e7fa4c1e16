import { Controller, Get, Header, Param, Query } from '@nestjs/common';
import { SkipThrottle } from '@nestjs/throttler';
import { Public } from '#libs/auth';
import { IdParamDto, PageQueryDto } from '#libs/contracts';
import { ListProductsQueryDto } from '../dtos/list-products-query.dto';
import { CatalogReadService } from '../services/catalog-read.service';

const JSON_TYPE = 'application/json; charset=utf-8';

/**
 * The public read path; handlers return JSON text that is sent as it is. Not rate limited: a limit costs a
 * Redis round trip per request, more than serving these answers from memory does.
 */
@Public()
@SkipThrottle()
@Controller('api/catalog')
export class CatalogController {
  constructor(private readonly catalog: CatalogReadService) {}

  @Get('home')
  @Header('Content-Type', JSON_TYPE)
  home(): Promise<string> {
    return this.catalog.home();
  }

  @Get('categories')
  @Header('Content-Type', JSON_TYPE)
  categories(): Promise<string> {
    return this.catalog.categories();
  }

  @Get('products')
  @Header('Content-Type', JSON_TYPE)
  products(@Query() query: ListProductsQueryDto): Promise<string> {
    return this.catalog.productPage(query);
  }

  @Get('products/:id')
  @Header('Content-Type', JSON_TYPE)
  product(@Param() params: IdParamDto): Promise<string> {
    return this.catalog.product(params.id);
  }

  @Get('articles')
  @Header('Content-Type', JSON_TYPE)
  articles(@Query() query: PageQueryDto): Promise<string> {
    return this.catalog.articlePage(query);
  }

  @Get('articles/:id')
  @Header('Content-Type', JSON_TYPE)
  article(@Param() params: IdParamDto): Promise<string> {
    return this.catalog.article(params.id);
  }
}
