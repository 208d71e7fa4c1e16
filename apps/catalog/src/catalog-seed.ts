import { createHash } from 'node:crypto';
import { DataSource } from 'typeorm';
import { CACHE_NAMESPACES } from './services/cache-namespaces';
import { titleSearchTerms } from './services/search-terms';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
// 2026-01-01: seeded rows sort before anything staff create afterwards.
const SEED_EPOCH_MS = Date.UTC(2026, 0, 1);

/** The same ULID-shaped id for the same (kind, n) on every run, so seeding twice changes nothing. */
export function seedId(kind: string, n: number): string {
  let time = '';
  for (let i = 0, t = SEED_EPOCH_MS + n; i < 10; i++, t = Math.floor(t / 32)) time = CROCKFORD[t % 32] + time;
  const digest = createHash('sha256').update(`${kind}:${n}`).digest();
  let tail = '';
  for (let i = 0; i < 16; i++) tail += CROCKFORD[digest[i] % 32];
  return time + tail;
}

/** How much demo data to make. */
export interface CatalogSeedSize {
  products: number;
  articles: number;
}

const PARENTS = ['茶叶 Tea', '粮油 Grains & Oil', '水果 Fruit', '零食 Snacks', '日用 Home'];
const CHILDREN = [
  ['绿茶', '红茶', '乌龙'],
  ['大米', '面粉', '食用油'],
  ['苹果', '柑橘', '浆果'],
  ['坚果', '饼干', '果干'],
  ['清洁', '厨具', '收纳'],
];
const ADJECTIVES = ['有机', '精选', '高山', '手工', '特级', '新鲜', '经典', '家庭装'];
const SKU_NAMES = [['250g'], ['500g', '1kg'], ['小份', '中份', '大份']];
const BATCH = 500;

function categories() {
  const rows: { id: string; parentId: string | null; name: string; sortOrder: number }[] = [];
  PARENTS.forEach((name, p) => {
    const parentId = seedId('category', p);
    rows.push({ id: parentId, parentId: null, name, sortOrder: p });
    CHILDREN[p].forEach((child, c) => rows.push({ id: seedId('category', 100 + p * 10 + c), parentId, name: child, sortOrder: c }));
  });
  return rows;
}

async function insertIgnore(dataSource: DataSource, table: string, columns: string[], rows: unknown[][]): Promise<void> {
  if (!rows.length) return;
  const values = rows.map(() => `(${columns.map(() => '?').join(', ')})`).join(', ');
  await dataSource.query(`INSERT IGNORE INTO ${table} (${columns.join(', ')}) VALUES ${values}`, rows.flat());
}

/**
 * Writes realistic demo data into the catalog database (tools/seed, the local stack); rows that exist already are
 * left as they are. `onProducts` hears of each batch of products written.
 */
export async function seedCatalog(dataSource: DataSource, size: CatalogSeedSize, onProducts?: (written: number) => void): Promise<void> {
  const leafCategories = categories().filter((category) => category.parentId);
  await insertIgnore(
    dataSource,
    'categories',
    ['id', 'parent_id', 'name', 'sort_order'],
    categories().map((c) => [c.id, c.parentId, c.name, c.sortOrder]),
  );
  for (let offset = 0; offset < size.products; offset += BATCH) {
    const products: unknown[][] = [];
    const skus: unknown[][] = [];
    const terms: unknown[][] = [];
    for (let n = offset; n < Math.min(size.products, offset + BATCH); n++) {
      const category = leafCategories[n % leafCategories.length];
      const title = `${ADJECTIVES[n % ADJECTIVES.length]}${category.name} No.${n + 1}`;
      const id = seedId('product', n);
      const names = SKU_NAMES[n % SKU_NAMES.length];
      const prices = names.map((_, i) => 990 + ((n * 37) % 9000) + i * 1500);
      products.push([
        id,
        category.id,
        title,
        `${category.name} · 产地直供`,
        `第 ${n + 1} 号商品的详细介绍。`,
        JSON.stringify([`https://picsum.photos/seed/${n}/600/600`]),
        1,
        n % 50 === 0 ? 1 : 0,
        Math.min(...prices),
      ]);
      names.forEach((name, i) => skus.push([seedId('sku', n * 10 + i), id, name, prices[i], 20 + ((n * 13) % 500), i]));
      for (const term of titleSearchTerms(title)) terms.push([term, id]);
    }
    await insertIgnore(
      dataSource,
      'products',
      ['id', 'category_id', 'title', 'subtitle', 'description', 'images', 'on_sale', 'featured', 'min_price_fen'],
      products,
    );
    await insertIgnore(dataSource, 'skus', ['id', 'product_id', 'name', 'price_fen', 'stock', 'sort_order'], skus);
    await insertIgnore(dataSource, 'product_search_terms', ['term', 'product_id'], terms);
    onProducts?.(products.length);
  }
  const articles = Array.from({ length: size.articles }, (_, n) => [
    seedId('article', n),
    `小程序上新第 ${n + 1} 期`,
    '本期精选好物推荐',
    `<p>第 ${n + 1} 期的正文。</p>`,
    `https://picsum.photos/seed/a${n}/800/400`,
    1,
  ]);
  await insertIgnore(dataSource, 'articles', ['id', 'title', 'summary', 'body', 'cover_image', 'published'], articles);
  const banners = Array.from({ length: 5 }, (_, n) => [
    seedId('banner', n),
    `活动 ${n + 1}`,
    `https://picsum.photos/seed/b${n}/750/300`,
    `/pages/product/index?id=${seedId('product', n * 50)}`,
    n,
    1,
  ]);
  await insertIgnore(dataSource, 'banners', ['id', 'title', 'image', 'link_url', 'sort_order', 'active'], banners);
}

/** The cached read models a seed makes stale: bump their epochs (`epoch:<namespace>`) so replicas rebuild them. */
export const SEEDED_CACHE_NAMESPACES = [CACHE_NAMESPACES.home, CACHE_NAMESPACES.categories, CACHE_NAMESPACES.productLists, CACHE_NAMESPACES.articleLists];
