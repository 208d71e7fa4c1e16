import type { CreateProduct, CreateSku, ProductDetail, UpdateProduct, UpdateSku } from '../api/catalog-api';
import { imageReference } from './image-reference';
import { formatYuan, parseYuan, priceProblem } from './money';

export const MAX_STOCK = 10_000_000;

/** A SKU row as the form edits it: the price as typed in yuan. */
export interface SkuRow {
  id?: string;
  name: string;
  price: string;
  stock: number;
}

export interface ProductForm {
  title: string;
  subtitle: string;
  description: string;
  categoryId: string;
  images: string[];
  onSale: boolean;
  featured: boolean;
  skus: SkuRow[];
}

export function emptyProductForm(): ProductForm {
  return { title: '', subtitle: '', description: '', categoryId: '', images: [], onSale: true, featured: false, skus: [{ name: '', price: '', stock: 0 }] };
}

/** The form of an existing product (its image URLs turned back into references). */
export function productFormOf(product: ProductDetail): ProductForm {
  return {
    title: product.title,
    subtitle: product.subtitle ?? '',
    description: product.description ?? '',
    categoryId: product.categoryId,
    images: product.images.map(imageReference),
    onSale: product.onSale,
    featured: false,
    skus: product.skus.map((sku) => ({ id: sku.id, name: sku.name, price: formatYuan(sku.priceFen), stock: sku.stock })),
  };
}

/** The i18n key (under `products.`) of what is wrong with a SKU row, or null. */
export function skuProblem(row: SkuRow): string | null {
  if (!row.name.trim()) return 'skuNameRequired';
  const price = priceProblem(row.price);
  if (price) return { required: 'priceRequired', invalid: 'priceInvalid', tooHigh: 'priceTooHigh' }[price];
  if (!Number.isInteger(row.stock) || row.stock < 0 || row.stock > MAX_STOCK) return 'stockInvalid';
  return null;
}

function skuBody(row: SkuRow, sortOrder: number): CreateSku {
  return { name: row.name.trim(), priceFen: parseYuan(row.price) ?? 0, stock: row.stock, sortOrder };
}

/** POST /api/catalog/admin/products: prices sent in fen. */
export function createProductBody(form: ProductForm): CreateProduct {
  return {
    categoryId: form.categoryId,
    title: form.title.trim(),
    subtitle: form.subtitle.trim(),
    description: form.description,
    images: form.images,
    onSale: form.onSale,
    featured: form.featured,
    skus: form.skus.map(skuBody),
  };
}

/** The product's own fields that changed (PATCH /api/catalog/admin/products/:id), or null when none did. */
export function productChanges(before: ProductForm, after: ProductForm): UpdateProduct | null {
  const changes: UpdateProduct = {};
  if (after.title.trim() !== before.title) changes.title = after.title.trim();
  if (after.subtitle.trim() !== before.subtitle) changes.subtitle = after.subtitle.trim();
  if (after.description !== before.description) changes.description = after.description;
  if (after.categoryId !== before.categoryId) changes.categoryId = after.categoryId;
  if (after.onSale !== before.onSale) changes.onSale = after.onSale;
  if (JSON.stringify(after.images) !== JSON.stringify(before.images)) changes.images = after.images;
  return Object.keys(changes).length ? changes : null;
}

/** What saving the SKU rows takes, in order: new SKUs first, so a product never has none between two steps. */
export interface SkuPlan {
  add: CreateSku[];
  update: { id: string; changes: UpdateSku }[];
  /** Stock moved by a delta (stock adjustments), so orders placed meanwhile are not overwritten. */
  adjust: { id: string; delta: number }[];
  remove: string[];
}

export function skuPlan(before: SkuRow[], after: SkuRow[]): SkuPlan {
  const plan: SkuPlan = { add: [], update: [], adjust: [], remove: [] };
  const kept = new Set(after.map((row) => row.id).filter(Boolean));
  after.forEach((row, index) => {
    const old = row.id ? before.find((candidate) => candidate.id === row.id) : undefined;
    if (!old || !row.id) return void plan.add.push(skuBody(row, index));
    const changes: UpdateSku = {};
    if (row.name.trim() !== old.name) changes.name = row.name.trim();
    const priceFen = parseYuan(row.price);
    if (priceFen !== null && priceFen !== parseYuan(old.price)) changes.priceFen = priceFen;
    if (index !== before.indexOf(old)) changes.sortOrder = index;
    if (Object.keys(changes).length) plan.update.push({ id: row.id, changes });
    if (row.stock !== old.stock) plan.adjust.push({ id: row.id, delta: row.stock - old.stock });
  });
  plan.remove = before.filter((row) => row.id && !kept.has(row.id)).map((row) => row.id!);
  return plan;
}
