import { DataSource } from 'typeorm';
import { createDataSourceOptions } from '#libs/database';
import { createTestDatabase, TestDatabase } from '#libs/testing';
import { CATALOG_SCHEMA } from '../src/catalog-schema';
import { seedCatalog } from '../src/catalog-seed';

describe('seedCatalog', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  const counts = async () =>
    (
      await dataSource.query(
        `SELECT (SELECT COUNT(*) FROM categories) AS categories, (SELECT COUNT(*) FROM products) AS products, (SELECT COUNT(*) FROM skus) AS skus,
              (SELECT COUNT(*) FROM articles) AS articles, (SELECT COUNT(*) FROM banners) AS banners, (SELECT MIN(stock) FROM skus) AS minStock`,
      )
    )[0];

  beforeAll(async () => {
    database = await createTestDatabase('seed', CATALOG_SCHEMA);
    dataSource = await new DataSource(createDataSourceOptions(database.url, CATALOG_SCHEMA, 2)).initialize();
  });
  afterAll(async () => {
    await dataSource.destroy();
    await database.drop();
  });

  it('makes the demo catalog and changes nothing when run again', async () => {
    await seedCatalog(dataSource, { products: 1200, articles: 10 });
    const first = await counts();
    expect(first).toMatchObject({ categories: '20', products: '1200', articles: '10', banners: '5' });
    expect(Number(first.skus)).toBeGreaterThan(1200);
    await dataSource.query('UPDATE skus SET stock = 1 WHERE stock > 0 LIMIT 1');
    await seedCatalog(dataSource, { products: 1200, articles: 10 });
    expect(await counts()).toEqual({ ...first, minStock: 1 });
  });
});
