import { ID_PATTERN } from '#libs/contracts';
import { Article } from '../entities/article.entity';
import { Banner } from '../entities/banner.entity';
import { Category } from '../entities/category.entity';
import { Product } from '../entities/product.entity';
import { Sku } from '../entities/sku.entity';
import { ProductSummaryRow, StaffProductSummaryRow } from '../repositories/product.repository';

/** An image reference (an upload id or a URL) as a URL the mini-program can load. */
export function imageUrl(reference: string): string {
  return ID_PATTERN.test(reference) ? `/api/uploads/${reference}/content` : reference;
}

/** A product in a list. */
export class ProductSummaryView {
  id: string;
  title: string;
  /**
   * URL of the first image (`/api/uploads/{id}/content` for an upload), null without one.
   * @example "/api/uploads/01JD3QZ7X9V2W8K4M6N0P1R5ST/content"
   */
  coverImage: string | null;
  /**
   * The lowest SKU price, in fen.
   * @example 1990
   */
  priceFen: number;
  categoryId: string;
}

export function productSummaryView(row: ProductSummaryRow): ProductSummaryView {
  const images = JSON.parse(row.images) as string[];
  return { id: row.id, title: row.title, coverImage: images.length ? imageUrl(images[0]) : null, priceFen: row.minPriceFen, categoryId: row.categoryId };
}

/** A product as staff list it: on sale or not, with its stock. */
export class StaffProductSummaryView extends ProductSummaryView {
  onSale: boolean;
  featured: boolean;
  /** Units on hand over all its SKUs. */
  stock: number;
  /** The stock of its SKU with the fewest units. */
  lowestSkuStock: number;
  skuCount: number;
  createdAt: string;
}

export function staffProductSummaryView(row: StaffProductSummaryRow): StaffProductSummaryView {
  return {
    ...productSummaryView(row),
    onSale: Boolean(row.onSale),
    featured: Boolean(row.featured),
    stock: Number(row.stock),
    lowestSkuStock: Number(row.lowestSkuStock),
    skuCount: Number(row.skuCount),
    createdAt: new Date(row.createdAt).toISOString(),
  };
}

/** A SKU of a product, with its stock. */
export class ProductSkuView {
  id: string;
  /** @example "500 g" */
  name: string;
  /**
   * Price in fen.
   * @example 1990
   */
  priceFen: number;
  /** Units that can still be ordered. */
  stock: number;
}

/** A product's page: everything but the stock of other products. */
export class ProductDetailView {
  id: string;
  title: string;
  subtitle: string | null;
  description: string | null;
  categoryId: string;
  /** Image URLs (`/api/uploads/{id}/content` for uploads), in display order. */
  images: string[];
  /** The lowest SKU price, in fen. */
  priceFen: number;
  onSale: boolean;
  skus: ProductSkuView[];
  /** ISO 8601. */
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
export class CategoryNode {
  id: string;
  name: string;
  /** Subcategories, in display order. */
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

/** A category as staff manage it. */
export class CategoryView {
  id: string;
  /** The parent category, null at the top of the tree. */
  parentId: string | null;
  name: string;
  sortOrder: number;
  /** ISO 8601. */
  createdAt: string;
  /** ISO 8601. */
  updatedAt: string;
}

export function categoryView(category: Category): CategoryView {
  return {
    id: category.id,
    parentId: category.parentId,
    name: category.name,
    sortOrder: category.sortOrder,
    createdAt: category.createdAt.toISOString(),
    updatedAt: category.updatedAt.toISOString(),
  };
}

/** An article in a list. */
export class ArticleSummaryView {
  id: string;
  title: string;
  summary: string | null;
  /** Image URL (`/api/uploads/{id}/content` for an upload), null without one. */
  coverImage: string | null;
  /** ISO 8601. */
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
export class ArticleDetailView extends ArticleSummaryView {
  body: string;
}

export function articleDetailView(article: Article): ArticleDetailView {
  return { ...articleSummaryView(article), body: article.body };
}

/** An article as staff see it in the console's list: drafts too. */
export class StaffArticleSummaryView extends ArticleSummaryView {
  /** False for a draft (not listed or served to users). */
  published: boolean;
}

/** An article as staff edit it: drafts too. */
export class StaffArticleView extends ArticleDetailView {
  published: boolean;
}

export function staffArticleSummaryView(
  article: Pick<Article, 'id' | 'title' | 'summary' | 'coverImage' | 'createdAt' | 'published'>,
): StaffArticleSummaryView {
  return { ...articleSummaryView(article), published: article.published };
}

export function staffArticleView(article: Article): StaffArticleView {
  return { ...articleDetailView(article), published: article.published };
}

/** A home page slide. */
export class BannerView {
  id: string;
  title: string;
  /** Image URL (`/api/uploads/{id}/content` for an upload). */
  image: string;
  /** Where a tap goes: an http(s) URL or a mini-program page path; null: nowhere. */
  linkUrl: string | null;
}

export function bannerView(banner: Banner): BannerView {
  return { id: banner.id, title: banner.title, image: imageUrl(banner.image), linkUrl: banner.linkUrl };
}

/** A banner as staff manage it: inactive ones too. */
export class StaffBannerView extends BannerView {
  /** False: kept, but not on the home page. */
  active: boolean;
  /** Display order on the home page, lowest first. */
  sortOrder: number;
}

export function staffBannerView(banner: Banner): StaffBannerView {
  return { ...bannerView(banner), active: banner.active, sortOrder: banner.sortOrder };
}

/** The home page in one answer. */
export class HomeView {
  /** Active banners, in display order. */
  banners: BannerView[];
  /** The whole category tree. */
  categories: CategoryNode[];
  /** Featured products on sale, newest first (at most 10). */
  featured: ProductSummaryView[];
  /** The latest published articles (at most 5). */
  articles: ArticleSummaryView[];
}
