import type { Category } from '../entities/category.entity';

/** `id` and the ids of every category below it; undefined when there is no such category. */
export function categoryAndDescendants(categories: Pick<Category, 'id' | 'parentId'>[], id: string): string[] | undefined {
  if (!categories.some((category) => category.id === id)) return undefined;
  const ids = [id];
  for (let i = 0; i < ids.length; i++) ids.push(...categories.filter((category) => category.parentId === ids[i]).map((category) => category.id));
  return ids;
}
