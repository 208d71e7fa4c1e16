/** The catalog's cached read models; an edit invalidates the namespaces it can change. */
export const CACHE_NAMESPACES = {
  home: 'home',
  categories: 'categories',
  productLists: 'products',
  product: (id: string) => `product:${id}`,
  articleLists: 'articles',
  article: (id: string) => `article:${id}`,
} as const;
