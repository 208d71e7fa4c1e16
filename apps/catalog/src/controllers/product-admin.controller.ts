import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { Roles } from '#libs/auth';
import { IdParamDto } from '#libs/contracts';
import { ProductDetailView } from '../dtos/catalog-views';
import { AdjustStockDto, CreateProductDto, CreateSkuDto, UpdateProductDto, UpdateSkuDto } from '../dtos/product-admin.dto';
import { ProductAdminService } from '../services/product-admin.service';

@Roles('admin', 'staff')
@Controller('api/catalog/admin')
export class ProductAdminController {
  constructor(private readonly products: ProductAdminService) {}

  @Get('products/:id')
  get(@Param() params: IdParamDto): Promise<ProductDetailView> {
    return this.products.get(params.id);
  }

  @Post('products')
  create(@Body() body: CreateProductDto): Promise<ProductDetailView> {
    return this.products.create(body);
  }

  @Patch('products/:id')
  update(@Param() params: IdParamDto, @Body() body: UpdateProductDto): Promise<ProductDetailView> {
    return this.products.update(params.id, body);
  }

  @Delete('products/:id')
  @HttpCode(204)
  delete(@Param() params: IdParamDto): Promise<void> {
    return this.products.delete(params.id);
  }

  @Post('products/:id/skus')
  addSku(@Param() params: IdParamDto, @Body() body: CreateSkuDto): Promise<ProductDetailView> {
    return this.products.addSku(params.id, body);
  }

  @Patch('skus/:id')
  updateSku(@Param() params: IdParamDto, @Body() body: UpdateSkuDto): Promise<ProductDetailView> {
    return this.products.updateSku(params.id, body);
  }

  @Delete('skus/:id')
  @HttpCode(204)
  deleteSku(@Param() params: IdParamDto): Promise<void> {
    return this.products.deleteSku(params.id);
  }

  @Post('skus/:id/stock-adjustments')
  @HttpCode(200)
  adjustStock(@Param() params: IdParamDto, @Body() body: AdjustStockDto): Promise<ProductDetailView> {
    return this.products.adjustStock(params.id, body);
  }
}
