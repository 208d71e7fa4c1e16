import { Injectable } from '@nestjs/common';
import { JsonCache } from '#libs/cache';
import { cursorBeforeId, Page, toPage } from '#libs/contracts';
import { newId } from '#libs/database';
import { AppError } from '#libs/errors';
import { categoryTree, productDetailView, ProductDetailView, StaffProductSummaryView, staffProductSummaryView } from '../dtos/catalog-views.dto';
import { ListStaffProductsQueryDto } from '../dtos/list-products-query.dto';
import { AdjustStockDto, CreateProductDto, CreateSkuDto, UpdateProductDto, UpdateSkuDto } from '../dtos/product-admin.dto';
import { UploadClient } from '../clients/upload.client';
import { CategoryRepository } from '../repositories/category.repository';
import { ProductRepository } from '../repositories/product.repository';
import { SkuRepository } from '../repositories/sku.repository';
import { CACHE_NAMESPACES as NS } from './cache-namespaces';
import { categoryAndDescendants } from './category-descendants';
import { querySearchTerms, titleSearchTerms } from './search-terms';

/** Staff management of products and SKUs; every change is visible on every replica at once. */
@Injectable()
export class ProductAdminService {
  constructor(
    private readonly products: ProductRepository,
    private readonly skus: SkuRepository,
    private readonly categories: CategoryRepository,
    private readonly cache: JsonCache,
    private readonly uploads: UploadClient,
  ) {}

  /** Every product, on sale or not, newest first; read from MySQL (staff must see their own changes at once). */
  async list(query: ListStaffProductsQueryDto): Promise<Page<StaffProductSummaryView>> {
    const beforeId = cursorBeforeId(query.cursor);
    let categoryIds: string[] | undefined;
    if (query.categoryId) {
      categoryIds = categoryAndDescendants(categoryTree(await this.categories.findAll()), query.categoryId);
      if (!categoryIds) throw new AppError('CATEGORY_NOT_FOUND', 'No such category');
    }
    const searchTerms = query.q ? querySearchTerms(query.q) : undefined;
    if (query.q && !searchTerms?.length) return { items: [], nextCursor: null };
    const rows = await this.products.findStaffPage({
      categoryIds,
      searchTerms,
      beforeId,
      onSale: query.onSale === undefined ? undefined : query.onSale === 'true',
      stockBelow: query.stockBelow,
      limit: query.limit + 1,
    });
    return toPage(rows, query.limit, staffProductSummaryView);
  }

  async get(id: string): Promise<ProductDetailView> {
    const found = await this.products.findWithSkus(id);
    if (!found) throw new AppError('PRODUCT_NOT_FOUND', 'No such product');
    return productDetailView(found.product, found.skus);
  }

  async create(request: CreateProductDto): Promise<ProductDetailView> {
    await this.requireCategory(request.categoryId);
    await this.uploads.requirePublicImages('images', request.images ?? []);
    const id = newId();
    const skus = request.skus.map((sku, index) => ({
      id: newId(),
      productId: id,
      name: sku.name,
      priceFen: sku.priceFen,
      stock: sku.stock,
      sortOrder: sku.sortOrder ?? index,
    }));
    await this.products.create(
      {
        id,
        categoryId: request.categoryId,
        title: request.title,
        subtitle: request.subtitle ?? null,
        description: request.description ?? null,
        images: request.images ?? [],
        onSale: request.onSale ?? true,
        featured: request.featured ?? false,
        minPriceFen: Math.min(...skus.map((sku) => sku.priceFen)),
      },
      skus,
      titleSearchTerms(request.title),
    );
    await this.cache.invalidate(NS.productLists, NS.home);
    return this.get(id);
  }

  async update(id: string, changes: UpdateProductDto): Promise<ProductDetailView> {
    await this.get(id);
    if (changes.categoryId) await this.requireCategory(changes.categoryId);
    await this.uploads.requirePublicImages('images', changes.images ?? []);
    await this.products.update(id, changes, changes.title !== undefined ? titleSearchTerms(changes.title) : undefined);
    await this.cache.invalidate(NS.product(id), NS.productLists, NS.home);
    return this.get(id);
  }

  async delete(id: string): Promise<void> {
    if (!(await this.products.delete(id))) throw new AppError('PRODUCT_NOT_FOUND', 'No such product');
    await this.cache.invalidate(NS.product(id), NS.productLists, NS.home);
  }

  async addSku(productId: string, request: CreateSkuDto): Promise<ProductDetailView> {
    await this.get(productId);
    await this.skus.insert({ id: newId(), productId, name: request.name, priceFen: request.priceFen, stock: request.stock, sortOrder: request.sortOrder ?? 0 });
    return this.afterSkuChange(productId);
  }

  async updateSku(id: string, changes: UpdateSkuDto): Promise<ProductDetailView> {
    const sku = await this.requireSku(id);
    await this.skus.update(id, changes);
    return this.afterSkuChange(sku.productId);
  }

  async deleteSku(id: string): Promise<void> {
    const sku = await this.requireSku(id);
    if ((await this.products.findSkus(sku.productId)).length === 1)
      throw new AppError('CONFLICT', 'A product keeps at least one SKU; delete the product instead');
    await this.skus.delete(id);
    await this.afterSkuChange(sku.productId);
  }

  /** Adds or removes stock atomically, never below zero (INSUFFICIENT_STOCK). */
  async adjustStock(id: string, request: AdjustStockDto): Promise<ProductDetailView> {
    const sku = await this.requireSku(id);
    if (!(await this.skus.adjustStock(id, request.delta))) throw new AppError('INSUFFICIENT_STOCK', 'Stock cannot go below zero');
    return this.afterSkuChange(sku.productId);
  }

  private async afterSkuChange(productId: string): Promise<ProductDetailView> {
    await this.products.refreshMinPrice(productId);
    await this.cache.invalidate(NS.product(productId), NS.productLists, NS.home);
    return this.get(productId);
  }

  private async requireSku(id: string) {
    const sku = await this.skus.findById(id);
    if (!sku) throw new AppError('SKU_NOT_FOUND', 'No such SKU');
    return sku;
  }

  private async requireCategory(id: string): Promise<void> {
    if (!(await this.categories.findById(id))) throw new AppError('CATEGORY_NOT_FOUND', 'No such category');
  }
}
