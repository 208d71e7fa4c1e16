import type { CategoryNode } from '../dtos/catalog-views.dto';

/** `id` and the ids of every category below it in `tree`; undefined when the tree has no such category. */
export function categoryAndDescendants(tree: CategoryNode[], id: string): string[] | undefined {
  for (const node of tree) {
    if (node.id === id) {
      const ids: string[] = [];
      const walk = (n: CategoryNode) => (ids.push(n.id), n.children.forEach(walk));
      walk(node);
      return ids;
    }
    const found = categoryAndDescendants(node.children, id);
    if (found) return found;
  }
  return undefined;
}
