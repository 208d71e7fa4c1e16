import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { LocalLru } from '#libs/cache';
import { stringList } from '#libs/database';
import { Product } from '../entities/product.entity';
import { Sku } from '../entities/sku.entity';

/** One row of a product list: only the columns a list shows. */
export interface ProductSummaryRow {
  id: string;
  title: string;
  images: string;
  minPriceFen: number;
  categoryId: string;
}

/** A row of the staff's product list: the summary, its sale state and its stock. */
export interface StaffProductSummaryRow extends ProductSummaryRow {
  onSale: number | boolean;
  featured: number | boolean;
  stock: number | string;
  lowestSkuStock: number | string | null;
  skuCount: number | string;
  createdAt: Date | string;
}

/** Which on-sale products to list, newest first, after an optional cursor. */
export interface ProductPageQuery {
  categoryIds?: string[];
  searchTerms?: string[];
  beforeId?: string;
  limit: number;
}

/** Which products staff list: on sale or not, or only those with a SKU below some stock. */
export interface StaffProductPageQuery extends ProductPageQuery {
  onSale?: boolean;
  stockBelow?: number;
}

const SUMMARY_COLUMNS = 'p.id AS id, p.title AS title, p.images AS images, p.min_price_fen AS minPriceFen, p.category_id AS categoryId';
const STAFF_COLUMNS = `${SUMMARY_COLUMNS}, p.on_sale AS onSale, p.featured AS featured, p.created_at AS createdAt,
  (SELECT CAST(COALESCE(SUM(s.stock), 0) AS SIGNED) FROM skus s WHERE s.product_id = p.id) AS stock,
  (SELECT COALESCE(MIN(s.stock), 0) FROM skus s WHERE s.product_id = p.id) AS lowestSkuStock,
  (SELECT COUNT(*) FROM skus s WHERE s.product_id = p.id) AS skuCount`;

/** Search terms whose product counts a replica keeps, and for how long (a stale count only makes a search slower). */
const COUNTED_TERMS = 10_000;
const TERM_COUNT_TTL_MS = 10 * 60_000;

/** Products and their search terms. */
@Injectable()
export class ProductRepository {
  private readonly termCounts = new LocalLru<number>(COUNTED_TERMS);

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** On-sale products newest first; keyset pagination on the id; a search needs every n-gram of the query in the title. */
  findOnSalePage(query: ProductPageQuery): Promise<ProductSummaryRow[]> {
    return this.findPage(SUMMARY_COLUMNS, query, ['p.on_sale = 1'], [], true);
  }

  /** Every product for staff, newest first, filtered like {@link findOnSalePage} and by sale state and low stock. */
  findStaffPage(query: StaffProductPageQuery): Promise<StaffProductSummaryRow[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const bySaleState = query.onSale !== undefined;
    if (bySaleState) {
      where.push('p.on_sale = ?');
      params.push(query.onSale ? 1 : 0);
    }
    if (query.stockBelow !== undefined) {
      where.push('EXISTS (SELECT 1 FROM skus s WHERE s.product_id = p.id AND s.stock < ?)');
      params.push(query.stockBelow);
    }
    return this.findPage(STAFF_COLUMNS, query, where, params, bySaleState);
  }

  /**
   * Every plan reads the newest matching rows first from an index and stops at `limit`, so a page costs about the
   * same at 100,000 products as at 5,000 (docs/performance.md, "Cost of growth"): a search walks its rarest term's
   * rows backwards and checks the other terms per row; a category filter takes the newest `limit` of each category
   * and merges them (one range of idx_products_category each, rather than a sort of every product in them).
   * `bySaleState` (the conditions test `p.on_sale`) forces idx_products_on_sale for a plain list: MariaDB otherwise
   * reads it as a `ref` on `on_sale` alone and walks from the newest row down to the cursor (2,521 rows for a page
   * in the middle of 5,000 products instead of 21).
   */
  private async findPage<Row>(
    columns: string,
    query: ProductPageQuery,
    conditions: string[],
    conditionParams: unknown[],
    bySaleState: boolean,
  ): Promise<Row[]> {
    const [firstTerm, ...otherTerms] = await this.rarestFirst(query.searchTerms ?? []);
    if (firstTerm !== undefined) {
      const where = ['t.term = ?', ...conditions];
      const params: unknown[] = [firstTerm, ...conditionParams];
      for (const term of otherTerms) {
        where.push('EXISTS (SELECT 1 FROM product_search_terms other WHERE other.term = ? AND other.product_id = t.product_id)');
        params.push(term);
      }
      if (query.categoryIds?.length) {
        where.push(`p.category_id IN (${query.categoryIds.map(() => '?').join(', ')})`);
        params.push(...query.categoryIds);
      }
      if (query.beforeId) {
        where.push('t.product_id < ?');
        params.push(query.beforeId);
      }
      return this.dataSource.query(
        `SELECT ${columns} FROM product_search_terms t JOIN products p ON p.id = t.product_id
         WHERE ${where.join(' AND ')} ORDER BY t.product_id DESC LIMIT ?`,
        [...params, query.limit],
      );
    }
    const where = [...conditions];
    const params = [...conditionParams];
    if (query.beforeId) {
      where.push('p.id < ?');
      params.push(query.beforeId);
    }
    if (query.categoryIds?.length) {
      const newestOfEach = query.categoryIds.map(
        () => `(SELECT p.id FROM products p WHERE ${['p.category_id = ?', ...where].join(' AND ')} ORDER BY p.id DESC LIMIT ?)`,
      );
      return this.dataSource.query(
        `SELECT ${columns} FROM (${newestOfEach.join(' UNION ALL ')}) newest JOIN products p ON p.id = newest.id ORDER BY p.id DESC LIMIT ?`,
        [...query.categoryIds.flatMap((categoryId) => [categoryId, ...params, query.limit]), query.limit],
      );
    }
    const filter = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const index = bySaleState ? 'FORCE INDEX (idx_products_on_sale)' : '';
    return this.dataSource.query(`SELECT ${columns} FROM products p ${index} ${filter} ORDER BY p.id DESC LIMIT ?`, [...params, query.limit]);
  }

  /**
   * The terms, the one with the fewest products first: a search walks its first term's rows newest first and stops at
   * a page. Given 有机 first, MariaDB turned the EXISTS of 有机绿茶 into a semi-join from 机绿 and sorted every match
   * (834 at 100,000 products) for each page: the cost grew with the catalog.
   */
  private async rarestFirst(terms: string[]): Promise<string[]> {
    if (terms.length < 2) return terms;
    const uncounted = terms.filter((term) => this.termCounts.get(term) === undefined);
    if (uncounted.length) {
      const rows: { term: string; products: number | string }[] = await this.dataSource.query(
        `SELECT term, COUNT(*) AS products FROM product_search_terms WHERE term IN (${uncounted.map(() => '?').join(', ')}) GROUP BY term`,
        uncounted,
      );
      const counted = new Map(rows.map((row) => [row.term, Number(row.products)]));
      for (const term of uncounted) this.termCounts.set(term, counted.get(term) ?? 0, TERM_COUNT_TTL_MS);
    }
    const count = (term: string) => this.termCounts.get(term) ?? 0;
    return [...terms].sort((a, b) => count(a) - count(b));
  }

  /** Ids of the products whose images include any of the upload ids `uploadIds`. */
  async findIdsShowingUploads(uploadIds: string[]): Promise<string[]> {
    const rows: { id: string }[] = await this.dataSource.query(
      `SELECT id FROM products WHERE ${uploadIds.map(() => 'images LIKE ?').join(' OR ')}`,
      uploadIds.map((id) => `%"${id}"%`),
    );
    return rows.map((row) => row.id);
  }

  /** The newest featured on-sale products. */
  findFeatured(limit: number): Promise<ProductSummaryRow[]> {
    return this.dataSource.query(`SELECT ${SUMMARY_COLUMNS} FROM products p WHERE p.featured = 1 AND p.on_sale = 1 ORDER BY p.id DESC LIMIT ?`, [limit]);
  }

  /** A product with its SKUs in one query (the product page is rebuilt with a single round trip). */
  async findWithSkus(id: string): Promise<{ product: Product; skus: Sku[] } | null> {
    const rows: (Record<string, unknown> & { skuId: string | null })[] = await this.dataSource.query(
      `SELECT p.id, p.category_id AS categoryId, p.title, p.subtitle, p.description, p.images, p.on_sale AS onSale, p.featured,
              p.min_price_fen AS minPriceFen, p.created_at AS createdAt, p.updated_at AS updatedAt,
              s.id AS skuId, s.name AS skuName, s.price_fen AS skuPriceFen, s.stock AS skuStock, s.sort_order AS skuSortOrder
       FROM products p LEFT JOIN skus s ON s.product_id = p.id WHERE p.id = ? ORDER BY s.sort_order, s.id`,
      [id],
    );
    if (!rows.length) return null;
    const first = rows[0];
    const product = Object.assign(new Product(), {
      id: first.id,
      categoryId: first.categoryId,
      title: first.title,
      subtitle: first.subtitle,
      description: first.description,
      images: stringList.from(first.images as string),
      onSale: Boolean(first.onSale),
      featured: Boolean(first.featured),
      minPriceFen: first.minPriceFen,
      createdAt: new Date(first.createdAt as string | Date),
      updatedAt: new Date(first.updatedAt as string | Date),
    });
    const skus = rows
      .filter((row) => row.skuId)
      .map((row) =>
        Object.assign(new Sku(), {
          id: row.skuId,
          productId: id,
          name: row.skuName,
          priceFen: row.skuPriceFen,
          stock: row.skuStock,
          sortOrder: row.skuSortOrder,
        }),
      );
    return { product, skus };
  }

  /** Whether the product exists and is on sale. */
  async isOnSale(id: string): Promise<boolean> {
    return (await this.dataSource.getRepository(Product).countBy({ id, onSale: true })) === 1;
  }

  findSkus(productId: string): Promise<Sku[]> {
    return this.dataSource.getRepository(Sku).find({ where: { productId }, order: { sortOrder: 'ASC', id: 'ASC' } });
  }

  async countInCategory(categoryId: string): Promise<number> {
    return this.dataSource.getRepository(Product).countBy({ categoryId });
  }

  /** Inserts a product with its SKUs and search terms, all or nothing. */
  async create(product: Omit<Product, 'createdAt' | 'updatedAt'>, skus: Omit<Sku, 'createdAt' | 'updatedAt'>[], terms: string[]): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      await manager.insert(Product, product);
      if (skus.length) await manager.insert(Sku, skus);
      await this.writeTerms(manager, product.id, terms);
    });
  }

  /** Updates a product; new `terms` replace the old ones when the title changed. */
  async update(id: string, changes: Partial<Omit<Product, 'id' | 'createdAt' | 'updatedAt'>>, terms?: string[]): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      if (Object.keys(changes).length) await manager.update(Product, { id }, changes);
      if (terms) {
        await manager.query('DELETE FROM product_search_terms WHERE product_id = ?', [id]);
        await this.writeTerms(manager, id, terms);
      }
    });
  }

  /** Deletes a product, its SKUs and its terms. */
  async delete(id: string): Promise<boolean> {
    return this.dataSource.transaction(async (manager) => {
      const result = await manager.delete(Product, { id });
      await manager.delete(Sku, { productId: id });
      await manager.query('DELETE FROM product_search_terms WHERE product_id = ?', [id]);
      return result.affected === 1;
    });
  }

  /** Keeps the list price equal to the cheapest SKU's. */
  async refreshMinPrice(productId: string): Promise<void> {
    await this.dataSource.query('UPDATE products SET min_price_fen = COALESCE((SELECT MIN(price_fen) FROM skus WHERE product_id = ?), 0) WHERE id = ?', [
      productId,
      productId,
    ]);
  }

  private async writeTerms(manager: EntityManager, productId: string, terms: string[]): Promise<void> {
    if (!terms.length) return;
    await manager.query(
      `INSERT IGNORE INTO product_search_terms (term, product_id) VALUES ${terms.map(() => '(?, ?)').join(', ')}`,
      terms.flatMap((term) => [term, productId]),
    );
  }
}
