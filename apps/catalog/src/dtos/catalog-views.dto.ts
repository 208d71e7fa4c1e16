import { ID_PATTERN } from '#libs/contracts';
import { Article } from '../entities/article.entity';
import { Banner } from '../entities/banner.entity';
import { Category } from '../entities/category.entity';
import { Product } from '../entities/product.entity';
import { Sku } from '../entities/sku.entity';
import { ProductSummaryRow } from '../repositories/product.repository';

/** An image reference (an upload id or a URL) as a URL the mini-program can load. */
export function imageUrl(reference: string): string {
  return ID_PATTERN.test(reference) ? `/api/uploads/${reference}/content` : reference;
}

/** A product in a list. */
export interface ProductSummaryView {
  id: string;
  title: string;
  coverImage: string | null;
  priceFen: number;
  categoryId: string;
}

export function productSummaryView(row: ProductSummaryRow): ProductSummaryView {
  const images = JSON.parse(row.images) as string[];
  return { id: row.id, title: row.title, coverImage: images.length ? imageUrl(images[0]) : null, priceFen: row.minPriceFen, categoryId: row.categoryId };
}

/** A product's page: everything but the stock of other products. */
export interface ProductDetailView {
  id: string;
  title: string;
  subtitle: string | null;
  description: string | null;
  categoryId: string;
  images: string[];
  priceFen: number;
  onSale: boolean;
  skus: { id: string; name: string; priceFen: number; stock: number }[];
  createdAt: string;
}

export function productDetailView(product: Product, skus: Sku[]): ProductDetailView {
  return {
    id: product.id,
    title: product.title,
    subtitle: product.subtitle,
    description: product.description,
    categoryId: product.categoryId,
    images: product.images.map(imageUrl),
    priceFen: product.minPriceFen,
    onSale: product.onSale,
    skus: skus.map((sku) => ({ id: sku.id, name: sku.name, priceFen: sku.priceFen, stock: sku.stock })),
    createdAt: product.createdAt.toISOString(),
  };
}

/** A node of the category tree. */
export interface CategoryNode {
  id: string;
  name: string;
  children: CategoryNode[];
}

/** Builds the tree from the flat list (sorted by sortOrder); orphans are shown at the top. */
export function categoryTree(categories: Category[]): CategoryNode[] {
  const nodes = new Map(categories.map((category) => [category.id, { id: category.id, name: category.name, children: [] as CategoryNode[] }]));
  const roots: CategoryNode[] = [];
  for (const category of categories) {
    const parent = category.parentId ? nodes.get(category.parentId) : undefined;
    (parent ? parent.children : roots).push(nodes.get(category.id)!);
  }
  return roots;
}

/** An article in a list. */
export interface ArticleSummaryView {
  id: string;
  title: string;
  summary: string | null;
  coverImage: string | null;
  createdAt: string;
}

export function articleSummaryView(article: Pick<Article, 'id' | 'title' | 'summary' | 'coverImage' | 'createdAt'>): ArticleSummaryView {
  return {
    id: article.id,
    title: article.title,
    summary: article.summary,
    coverImage: article.coverImage ? imageUrl(article.coverImage) : null,
    createdAt: article.createdAt.toISOString(),
  };
}

/** An article's page. */
export type ArticleDetailView = ArticleSummaryView & { body: string };

export function articleDetailView(article: Article): ArticleDetailView {
  return { ...articleSummaryView(article), body: article.body };
}

/** A home page slide. */
export interface BannerView {
  id: string;
  title: string;
  image: string;
  linkUrl: string | null;
}

export function bannerView(banner: Banner): BannerView {
  return { id: banner.id, title: banner.title, image: imageUrl(banner.image), linkUrl: banner.linkUrl };
}
