import { wildcard, type TokenClass } from './token-class.js';

// Drain's fixed-depth parse tree: the first level is the token count, the next `depth`
// levels the first tokens, leaves hold clusters. It only narrows where to look; which
// cluster a message joins is decided by the miner over the candidates found here.
//
// A cluster is filed under its literal tokens, except variables and wildcards (and any
// token once a node has `maxChildren` literal children), which go under `<*>`. A search
// follows both the message's token and `<*>` at each level, so it finds every cluster whose
// literal prefix tokens equal the message's, wherever the cluster happened to be filed:
// the outcome does not depend on the order clusters were filed in (a rebuilt tree may be
// shaped differently and still gives the same candidates).

interface TreeNode<C> {
  readonly key: string;
  readonly parent: TreeNode<C> | undefined;
  readonly children: Map<string, TreeNode<C>>;
  readonly clusters: Set<C>;
}

export interface PrefixTree<C> {
  /** Files `cluster` under its template; returns the leaf to hand back to `remove`. */
  insert(cluster: C, tokens: readonly string[], classes: readonly TokenClass[]): TreeLeaf<C>;
  remove(cluster: C, leaf: TreeLeaf<C>): void;
  /** Clusters that could hold a message with these tokens. */
  candidates(tokens: readonly string[], classes: readonly TokenClass[]): C[];
}

export type TreeLeaf<C> = TreeNode<C>;

function createNode<C>(key: string, parent: TreeNode<C> | undefined): TreeNode<C> {
  return { key, parent, children: new Map(), clusters: new Set() };
}

const routesToWildcard = (tokenClass: TokenClass) => tokenClass === 'variable' || tokenClass === 'wildcard';

export function createPrefixTree<C>(options: { depth: number; maxChildren: number }): PrefixTree<C> {
  const root = createNode<C>('', undefined);

  const child = (node: TreeNode<C>, key: string): TreeNode<C> => {
    let next = node.children.get(key);
    if (next === undefined) {
      next = createNode(key, node);
      node.children.set(key, next);
    }
    return next;
  };

  return {
    insert(cluster, tokens, classes) {
      let node = child(root, String(tokens.length));
      for (let index = 0; index < Math.min(options.depth, tokens.length); index++) {
        const token = tokens[index]!;
        const literalChildren = node.children.size - (node.children.has(wildcard) ? 1 : 0);
        const key =
          routesToWildcard(classes[index]!) || (!node.children.has(token) && literalChildren >= options.maxChildren) ? wildcard : token;
        node = child(node, key);
      }
      node.clusters.add(cluster);
      return node;
    },

    remove(cluster, leaf) {
      leaf.clusters.delete(cluster);
      // Prune emptied branches, so that stale children do not use up `maxChildren`.
      for (let node = leaf; node.parent !== undefined && node.clusters.size === 0 && node.children.size === 0; node = node.parent) {
        node.parent.children.delete(node.key);
      }
    },

    candidates(tokens, classes) {
      const found: C[] = [];
      const depth = Math.min(options.depth, tokens.length);
      const walk = (node: TreeNode<C>, index: number): void => {
        if (index === depth) {
          for (const cluster of node.clusters) found.push(cluster);
          return;
        }
        if (!routesToWildcard(classes[index]!)) {
          const literal = node.children.get(tokens[index]!);
          if (literal !== undefined) walk(literal, index + 1);
        }
        const any = node.children.get(wildcard);
        if (any !== undefined) walk(any, index + 1);
      };
      const byLength = root.children.get(String(tokens.length));
      if (byLength !== undefined) walk(byLength, 0);
      return found;
    },
  };
}
