import type { CategoryNode } from '../api/catalog-api';

/** Category names by id over a whole tree (the product list shows names, the API gives ids). */
export function categoryNames(tree: CategoryNode[]): Map<string, string> {
  const names = new Map<string, string>();
  const walk = (nodes: CategoryNode[], prefix: string) => {
    for (const node of nodes) {
      const path = prefix ? `${prefix} / ${node.name}` : node.name;
      names.set(node.id, path);
      walk(node.children, path);
    }
  };
  walk(tree, '');
  return names;
}
