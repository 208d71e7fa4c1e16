import type { components } from '../../../../sdk/miniprogram/src/api-types';
import { api } from './http-client';
import type { Query } from './http-client';

type Schemas = components['schemas'];
export type CategoryNode = Schemas['CategoryNode'];
export type CategoryView = Schemas['CategoryView'];
export type ProductDetail = Schemas['ProductDetailView'];
export type CreateProduct = Schemas['CreateProductDto'];
export type UpdateProduct = Schemas['UpdateProductDto'];
export type CreateSku = Schemas['CreateSkuDto'];
export type UpdateSku = Schemas['UpdateSkuDto'];
export type ArticleSummary = Schemas['StaffArticleSummaryView'];
export type ArticleDetail = Schemas['StaffArticleView'];
export type CreateArticle = Schemas['CreateArticleDto'];
export type CreateBanner = Schemas['CreateBannerDto'];
export type Banner = Schemas['StaffBannerView'];

export type StaffProductSummary = Schemas['StaffProductSummaryView'];

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface StaffProductQuery extends Query {
  q?: string;
  categoryId?: string;
  onSale?: 'true' | 'false';
  stockBelow?: number;
  limit?: number;
  cursor?: string;
}

const admin = '/api/catalog/admin';

export const catalogApi = {
  categories: () => api.get<CategoryNode[]>('/api/catalog/categories'),
  createCategory: (body: Schemas['CreateCategoryDto']) => api.post<CategoryView>(`${admin}/categories`, body),
  updateCategory: (id: string, body: Schemas['UpdateCategoryDto']) => api.patch<CategoryView>(`${admin}/categories/${id}`, body),
  deleteCategory: (id: string) => api.delete(`${admin}/categories/${id}`),

  products: (query: StaffProductQuery) => api.get<Page<StaffProductSummary>>(`${admin}/products`, query),
  product: (id: string) => api.get<ProductDetail>(`${admin}/products/${id}`),
  createProduct: (body: CreateProduct) => api.post<ProductDetail>(`${admin}/products`, body),
  updateProduct: (id: string, body: UpdateProduct) => api.patch<ProductDetail>(`${admin}/products/${id}`, body),
  deleteProduct: (id: string) => api.delete(`${admin}/products/${id}`),
  addSku: (productId: string, body: CreateSku) => api.post<ProductDetail>(`${admin}/products/${productId}/skus`, body),
  updateSku: (id: string, body: UpdateSku) => api.patch<ProductDetail>(`${admin}/skus/${id}`, body),
  deleteSku: (id: string) => api.delete(`${admin}/skus/${id}`),
  adjustStock: (id: string, delta: number) => api.post<ProductDetail>(`${admin}/skus/${id}/stock-adjustments`, { delta }),

  articles: (cursor?: string) => api.get<Page<ArticleSummary>>(`${admin}/articles`, { limit: 50, cursor }),
  article: (id: string) => api.get<ArticleDetail>(`${admin}/articles/${id}`),
  createArticle: (body: CreateArticle) => api.post<ArticleDetail>(`${admin}/articles`, body),
  updateArticle: (id: string, body: Partial<CreateArticle>) => api.patch<ArticleDetail>(`${admin}/articles/${id}`, body),
  deleteArticle: (id: string) => api.delete(`${admin}/articles/${id}`),

  banners: () => api.get<Page<Banner>>(`${admin}/banners`),
  createBanner: (body: CreateBanner) => api.post<Banner>(`${admin}/banners`, body),
  updateBanner: (id: string, body: Partial<CreateBanner>) => api.patch<Banner>(`${admin}/banners/${id}`, body),
  deleteBanner: (id: string) => api.delete(`${admin}/banners/${id}`),
};
