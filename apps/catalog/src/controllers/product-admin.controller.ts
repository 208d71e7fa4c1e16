import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiErrors, ApiPageResponse } from '#libs/api-docs';
import { Roles } from '#libs/auth';
import { IdParamDto, Page } from '#libs/contracts';
import { ProductDetailView, StaffProductSummaryView } from '../dtos/catalog-views.dto';
import { ListStaffProductsQueryDto } from '../dtos/list-products-query.dto';
import { AdjustStockDto, CreateProductDto, CreateSkuDto, UpdateProductDto, UpdateSkuDto } from '../dtos/product-admin.dto';
import { ProductAdminService } from '../services/product-admin.service';

@Roles('admin', 'staff')
@Controller('api/catalog/admin')
export class ProductAdminController {
  constructor(private readonly products: ProductAdminService) {}

  /**
   * Every product, on sale or off, newest first, with its stock: by title search, category (and its subcategories),
   * sale state, or only those with a SKU below `stockBelow` units.
   */
  @Get('products')
  @ApiPageResponse(StaffProductSummaryView)
  @ApiErrors('CATEGORY_NOT_FOUND')
  list(@Query() query: ListStaffProductsQueryDto): Promise<Page<StaffProductSummaryView>> {
    return this.products.list(query);
  }

  /** A product with its SKUs and stock, on sale or not. */
  @Get('products/:id')
  @ApiErrors('PRODUCT_NOT_FOUND')
  get(@Param() params: IdParamDto): Promise<ProductDetailView> {
    return this.products.get(params.id);
  }

  /** Adds a product with its SKUs (on sale unless `onSale: false`). */
  @Post('products')
  @ApiErrors('CATEGORY_NOT_FOUND', 'UPLOAD_NOT_FOUND')
  create(@Body() body: CreateProductDto): Promise<ProductDetailView> {
    return this.products.create(body);
  }

  /** Changes a product's fields (not its SKUs). */
  @Patch('products/:id')
  @ApiErrors('PRODUCT_NOT_FOUND', 'CATEGORY_NOT_FOUND', 'UPLOAD_NOT_FOUND')
  update(@Param() params: IdParamDto, @Body() body: UpdateProductDto): Promise<ProductDetailView> {
    return this.products.update(params.id, body);
  }

  /** Deletes a product and its SKUs. */
  @Delete('products/:id')
  @HttpCode(204)
  @ApiErrors('PRODUCT_NOT_FOUND')
  delete(@Param() params: IdParamDto): Promise<void> {
    return this.products.delete(params.id);
  }

  /** Adds a SKU to a product; answers the product. */
  @Post('products/:id/skus')
  @ApiErrors('PRODUCT_NOT_FOUND')
  addSku(@Param() params: IdParamDto, @Body() body: CreateSkuDto): Promise<ProductDetailView> {
    return this.products.addSku(params.id, body);
  }

  /** Changes a SKU's name, price, stock or order; answers its product. */
  @Patch('skus/:id')
  @ApiErrors('SKU_NOT_FOUND')
  updateSku(@Param() params: IdParamDto, @Body() body: UpdateSkuDto): Promise<ProductDetailView> {
    return this.products.updateSku(params.id, body);
  }

  /** Deletes a SKU; a product's last SKU is 409 CONFLICT (delete the product instead). */
  @Delete('skus/:id')
  @HttpCode(204)
  @ApiErrors('SKU_NOT_FOUND', 'CONFLICT')
  deleteSku(@Param() params: IdParamDto): Promise<void> {
    return this.products.deleteSku(params.id);
  }

  /** Adds or removes stock atomically; never below zero (409 INSUFFICIENT_STOCK). Answers the SKU's product. */
  @Post('skus/:id/stock-adjustments')
  @HttpCode(200)
  @ApiErrors('SKU_NOT_FOUND', 'INSUFFICIENT_STOCK')
  adjustStock(@Param() params: IdParamDto, @Body() body: AdjustStockDto): Promise<ProductDetailView> {
    return this.products.adjustStock(params.id, body);
  }
}
