import { DataSource } from 'typeorm';
import { createDataSourceOptions, newId } from '#libs/database';
import { createTestDatabase, TestDatabase } from '#libs/testing';
import { CATALOG_SCHEMA } from '../src/catalog-schema';
import { ProductRepository } from '../src/repositories/product.repository';
import { querySearchTerms, titleSearchTerms } from '../src/services/search-terms';

const PRODUCTS = 100_000;
const INDEXED_TITLES = 20_000;
const BATCH = 2000;

interface PlanRow {
  table: string;
  type: string;
  key: string | null;
  rows: number;
  Extra: string | null;
}

describe(`query plans over ${PRODUCTS} products: no full table scans, newest rows read first from an index`, () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let explained: ProductRepository;
  const categories = Array.from({ length: 50 }, () => newId());

  beforeAll(async () => {
    database = await createTestDatabase('catplan', CATALOG_SCHEMA);
    dataSource = await new DataSource(createDataSourceOptions(database.url, CATALOG_SCHEMA, 2)).initialize();
    const start = Date.now() - PRODUCTS * 10;
    for (let offset = 0; offset < PRODUCTS; offset += BATCH) {
      const rows = Array.from({ length: BATCH }, (_, i) => {
        const n = offset + i;
        return [
          newId(start + n * 10),
          categories[n % categories.length],
          `商品 Product ${n} ${['红茶', '绿茶', '大米', 'coffee'][n % 4]}`,
          '[]',
          n % 10 === 0 ? 0 : 1,
          n % 97 === 0 ? 1 : 0,
          100 + (n % 5000),
        ];
      });
      await dataSource.query(
        `INSERT INTO products (id, category_id, title, images, on_sale, featured, min_price_fen) VALUES ${rows.map(() => '(?, ?, ?, ?, ?, ?, ?)').join(', ')}`,
        rows.flat(),
      );
      if (offset < INDEXED_TITLES) {
        const terms = rows.flatMap(([id, , title]) => titleSearchTerms(title as string).map((term) => [term, id]));
        await dataSource.query(`INSERT IGNORE INTO product_search_terms (term, product_id) VALUES ${terms.map(() => '(?, ?)').join(', ')}`, terms.flat());
      }
    }
    await dataSource.query('ANALYZE TABLE products, product_search_terms');
    const explain = { query: (sql: string, params: unknown[]) => dataSource.query(`EXPLAIN ${sql}`, params) } as unknown as DataSource;
    explained = new ProductRepository(explain);
  }, 180000);

  afterAll(async () => {
    await dataSource?.destroy();
    await database?.drop();
  });

  // A table read in index order needs no sort, so LIMIT ends the read after a page: what keeps a page's cost flat as
  // the catalog grows. Derived tables and union results hold at most a page per category and are sorted in memory.
  const expectIndexed = (plan: PlanRow[]) => {
    expect(plan.length).toBeGreaterThan(0);
    for (const row of plan) {
      if (row.table.startsWith('<derived') || row.table.startsWith('<union')) continue;
      expect({ table: row.table, type: row.type }).not.toEqual({ table: row.table, type: 'ALL' });
      expect(row.key).not.toBeNull();
      expect({ table: row.table, Extra: row.Extra }).not.toEqual({ table: row.table, Extra: expect.stringMatching(/filesort|temporary/i) });
    }
  };

  it('first page of all on-sale products', async () => {
    expectIndexed((await explained.findOnSalePage({ limit: 21 })) as unknown as PlanRow[]);
  });

  it('a later page (cursor)', async () => {
    expectIndexed((await explained.findOnSalePage({ limit: 21, beforeId: newId(Date.now() - PRODUCTS * 5) })) as unknown as PlanRow[]);
  });

  /** The rows the server reads (Handler_read_*, the same in MySQL and MariaDB) for `read`, on one connection. */
  const rowsReadBy = async <T>(read: (repository: ProductRepository) => Promise<T>): Promise<{ result: T; rowsRead: number }> => {
    const runner = dataSource.createQueryRunner();
    try {
      const counted = new ProductRepository({ query: (sql: string, params: unknown[]) => runner.query(sql, params) } as unknown as DataSource);
      const rowsReadSoFar = async () => {
        const status: { Variable_name: string; Value: string }[] = await runner.query("SHOW SESSION STATUS LIKE 'Handler_read%'");
        return status.filter((row) => row.Variable_name !== 'Handler_read_retry').reduce((total, row) => total + Number(row.Value), 0);
      };
      await read(counted);
      const before = await rowsReadSoFar();
      const result = await read(counted);
      return { result, rowsRead: (await rowsReadSoFar()) - before };
    } finally {
      await runner.release();
    }
  };

  // EXPLAIN says `ref` both for a read that starts at the cursor and for one that walks down to it from the newest row.
  it('a later page reads about a page of rows, not every row newer than the cursor', async () => {
    const { result, rowsRead } = await rowsReadBy((products) => products.findOnSalePage({ limit: 21, beforeId: newId(Date.now() - PRODUCTS * 5) }));
    expect(result).toHaveLength(21);
    expect(rowsRead).toBeLessThan(100);
  });

  it('a search walks its rarest term (its product counts kept by the replica), not the first one it was given', async () => {
    // 'zz' on 2,000 on-sale products among the 20,000 indexed ones, which all have '商品' and 'pr'. Given the common
    // terms first, MariaDB turns the EXISTS into a semi-join from 'zz' and sorts all 2,000 matches for a page of 21.
    const indexed: { id: string }[] = await dataSource.query("SELECT product_id AS id FROM product_search_terms WHERE term = '商品' ORDER BY product_id");
    const chosen = indexed.filter((_, index) => index % 10 === 1);
    expect(chosen).toHaveLength(2000);
    await dataSource.query(
      `INSERT IGNORE INTO product_search_terms (term, product_id) VALUES ${chosen.map(() => "('zz', ?)").join(', ')}`,
      chosen.map((row) => row.id),
    );
    const { result, rowsRead } = await rowsReadBy((products) => products.findOnSalePage({ limit: 21, searchTerms: ['商品', 'pr', 'zz'] }));
    expect(result).toHaveLength(21);
    expect(rowsRead).toBeLessThan(200);
  });

  it('a category with its subcategories', async () => {
    expectIndexed((await explained.findOnSalePage({ limit: 21, categoryIds: categories.slice(0, 3) })) as unknown as PlanRow[]);
  });

  it('a title search, alone and within a category', async () => {
    expectIndexed((await explained.findOnSalePage({ limit: 21, searchTerms: querySearchTerms('红茶') })) as unknown as PlanRow[]);
    expectIndexed(
      (await explained.findOnSalePage({ limit: 21, searchTerms: querySearchTerms('coffee'), categoryIds: [categories[3]] })) as unknown as PlanRow[],
    );
  });

  it('the featured products of the home page', async () => {
    expectIndexed((await explained.findFeatured(10)) as unknown as PlanRow[]);
  });
});
