import { MigrationInterface, QueryRunner } from 'typeorm';

const TABLE_OPTIONS = 'ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci';

/** Categories, products with SKUs and stock reservations, title search terms, articles and banners. */
export class CreateCatalogSchema1763720000000 implements MigrationInterface {
  name = 'CreateCatalogSchema1763720000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`CREATE TABLE categories (
      id CHAR(26) NOT NULL,
      parent_id CHAR(26) NULL,
      name VARCHAR(64) NOT NULL,
      sort_order INT NOT NULL DEFAULT 0,
      created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
      updated_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
      PRIMARY KEY (id),
      KEY idx_categories_parent (parent_id, sort_order)
    ) ${TABLE_OPTIONS}`);
    await runner.query(`CREATE TABLE products (
      id CHAR(26) NOT NULL,
      category_id CHAR(26) NOT NULL,
      title VARCHAR(120) NOT NULL,
      subtitle VARCHAR(200) NULL,
      description TEXT NULL,
      images TEXT NOT NULL,
      on_sale TINYINT(1) NOT NULL DEFAULT 1,
      featured TINYINT(1) NOT NULL DEFAULT 0,
      min_price_fen INT NOT NULL DEFAULT 0,
      created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
      updated_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
      PRIMARY KEY (id),
      KEY idx_products_on_sale (on_sale, id),
      KEY idx_products_category (category_id, on_sale, id),
      KEY idx_products_featured (featured, on_sale, id)
    ) ${TABLE_OPTIONS}`);
    await runner.query(`CREATE TABLE product_search_terms (
      term VARCHAR(8) NOT NULL,
      product_id CHAR(26) NOT NULL,
      PRIMARY KEY (term, product_id),
      KEY idx_search_terms_product (product_id)
    ) ${TABLE_OPTIONS}`);
    await runner.query(`CREATE TABLE skus (
      id CHAR(26) NOT NULL,
      product_id CHAR(26) NOT NULL,
      name VARCHAR(64) NOT NULL,
      price_fen INT NOT NULL,
      stock INT NOT NULL,
      sort_order INT NOT NULL DEFAULT 0,
      created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
      updated_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
      PRIMARY KEY (id),
      KEY idx_skus_product (product_id, sort_order),
      CONSTRAINT chk_skus_stock CHECK (stock >= 0),
      CONSTRAINT chk_skus_price CHECK (price_fen >= 0)
    ) ${TABLE_OPTIONS}`);
    await runner.query(`CREATE TABLE stock_reservations (
      order_id CHAR(26) NOT NULL,
      sku_id CHAR(26) NOT NULL,
      quantity INT NOT NULL,
      status VARCHAR(16) NOT NULL,
      created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
      updated_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
      PRIMARY KEY (order_id, sku_id),
      KEY idx_stock_reservations_sku (sku_id, status)
    ) ${TABLE_OPTIONS}`);
    await runner.query(`CREATE TABLE articles (
      id CHAR(26) NOT NULL,
      title VARCHAR(120) NOT NULL,
      summary VARCHAR(300) NULL,
      body MEDIUMTEXT NOT NULL,
      cover_image VARCHAR(512) NULL,
      published TINYINT(1) NOT NULL DEFAULT 1,
      created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
      updated_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
      PRIMARY KEY (id),
      KEY idx_articles_published (published, id)
    ) ${TABLE_OPTIONS}`);
    await runner.query(`CREATE TABLE banners (
      id CHAR(26) NOT NULL,
      title VARCHAR(120) NOT NULL,
      image VARCHAR(512) NOT NULL,
      link_url VARCHAR(512) NULL,
      sort_order INT NOT NULL DEFAULT 0,
      active TINYINT(1) NOT NULL DEFAULT 1,
      created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
      updated_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
      PRIMARY KEY (id),
      KEY idx_banners_active (active, sort_order)
    ) ${TABLE_OPTIONS}`);
  }

  async down(runner: QueryRunner): Promise<void> {
    for (const table of ['banners', 'articles', 'stock_reservations', 'skus', 'product_search_terms', 'products', 'categories']) {
      await runner.query(`DROP TABLE ${table}`);
    }
  }
}
