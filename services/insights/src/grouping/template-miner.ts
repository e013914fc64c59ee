// Template mining over normalised tokens, Drain-style, with three departures that make it
// hold on logs it was not tuned for:
//
// 1. Token classes (token-class.ts) decide what may differ. A message joins a cluster of its
//    length when no cause token differs, no plain word differs, and at least
//    `similarityThreshold` of the template's literal positions match; the positions where
//    variables differ become `<*>` (Drain's update). Drain lets any token differ, so "closed
//    by peer" and "reset by peer" become one template, and so do 503 and 429.
// 2. A plain word becomes a wildcard only on evidence: when a message would open a new
//    cluster, the clusters of its length that differ from it at the same few positions (and
//    nowhere else, and in no cause) form a family; once a word position holds
//    `minDistinctWords` different words across the family, the family merges into one
//    cluster with `<*>` there. Two or three alternatives stay apart (started / stopped /
//    failed), a name slot with many values (users, tables, queues) merges. The first word
//    never does: it names the subject or program. The absorbed templates are reported, so
//    patterns keyed by them can follow into the merged one.
// 3. Templates are reported with runs of wildcards folded (template.ts), so a variable-length
//    value (a list of hosts, a multi-word name) gives one template across lengths.
//
// Each miner holds one workspace's clusters, at most `maxClusters`; the least recently
// matched is evicted. `snapshot()` gives plain JSON; `createTemplateMiner({ ...options,
// ...snapshot })` rebuilds a miner that treats every future message exactly as the original
// would: every choice below depends only on templates, sizes, ids and `lastSeen`, never on
// insertion order or the tree's shape.

import { createPrefixTree, type TreeLeaf } from './prefix-tree.js';
import { fitsToken, generalizeToken, renderTemplate } from './template.js';
import { classifyToken, keyOf, wildcard, type TokenClass } from './token-class.js';

export interface ClusterSnapshot {
  readonly id: number;
  readonly template: readonly string[];
  readonly size: number;
  /** The miner's message sequence number when the cluster last matched (a logical clock). */
  readonly lastSeen: number;
}

export interface TemplateMinerSnapshot {
  readonly clusters: readonly ClusterSnapshot[];
  readonly nextClusterId: number;
}

export interface TemplateMinerOptions {
  /** Prefix tokens the parse tree branches on (Drain's depth minus 2). */
  readonly prefixDepth?: number;
  /** Fraction of a template's literal positions a message must match to join it. */
  readonly similarityThreshold?: number;
  /** Literal children per tree node before further tokens share the `<*>` child. */
  readonly maxChildren?: number;
  /** Clusters kept; the least recently matched goes first. */
  readonly maxClusters?: number;
  /** Distinct words seen at one position before it is taken for a variable. */
  readonly minDistinctWords?: number;
  /** State from `snapshot()`, to rebuild from. */
  readonly clusters?: readonly ClusterSnapshot[];
  readonly nextClusterId?: number;
}

export type MinerChange = 'created' | 'matched' | 'generalized' | 'merged';

export interface MinedMessage {
  readonly clusterId: number;
  /** The cluster's template as text, runs of wildcards folded. */
  readonly template: string;
  /** The cluster's template tokens, position for position with the message's. */
  readonly templateTokens: readonly string[];
  readonly change: MinerChange;
  /** Templates that no longer exist: their messages now belong to `template`. */
  readonly replaced: readonly string[];
  /** Clusters dropped by the cap (their templates come back if their messages do). */
  readonly evicted: readonly number[];
}

export interface TemplateMiner {
  add(tokens: readonly string[]): MinedMessage;
  snapshot(): TemplateMinerSnapshot;
  readonly clusterCount: number;
}

export const defaultMinerOptions = {
  prefixDepth: 3,
  similarityThreshold: 0.5,
  maxChildren: 100,
  maxClusters: 5000,
  minDistinctWords: 4,
} as const;

interface Cluster {
  readonly id: number;
  tokens: string[];
  classes: TokenClass[];
  /** `tokens` rendered (template.ts). */
  template: string;
  size: number;
  lastSeen: number;
}

interface Candidate {
  readonly cluster: Cluster;
  readonly similarity: number;
  /** Positions where the message differs from the template in a variable. */
  readonly differing: readonly number[];
}

export function createTemplateMiner(options: TemplateMinerOptions = {}): TemplateMiner {
  const settings = { ...defaultMinerOptions, ...options };
  if (settings.maxClusters < 1) throw new RangeError('maxClusters must be at least 1');
  const tree = createPrefixTree<Cluster>({ depth: settings.prefixDepth, maxChildren: settings.maxChildren });
  const leaves = new Map<Cluster, TreeLeaf<Cluster>>();
  const byLength = new Map<number, Set<Cluster>>();
  // Least recently matched first: Map iteration follows insertion, and a match re-inserts.
  const byRecency = new Map<number, Cluster>();
  let nextClusterId = options.nextClusterId ?? 1;
  let clock = 0;

  const file = (cluster: Cluster): void => {
    leaves.set(cluster, tree.insert(cluster, cluster.tokens, cluster.classes));
    let group = byLength.get(cluster.tokens.length);
    if (group === undefined) byLength.set(cluster.tokens.length, (group = new Set()));
    group.add(cluster);
    byRecency.delete(cluster.id);
    byRecency.set(cluster.id, cluster);
  };

  const unfile = (cluster: Cluster): void => {
    tree.remove(cluster, leaves.get(cluster)!);
    leaves.delete(cluster);
    const group = byLength.get(cluster.tokens.length)!;
    group.delete(cluster);
    if (group.size === 0) byLength.delete(cluster.tokens.length);
    byRecency.delete(cluster.id);
  };

  const setTokens = (cluster: Cluster, tokens: string[]): void => {
    cluster.tokens = tokens;
    cluster.classes = tokens.map(classifyToken);
    cluster.template = renderTemplate(tokens);
  };

  const newCluster = (id: number, tokens: readonly string[], size: number, lastSeen: number): Cluster => {
    const cluster: Cluster = { id, tokens: [...tokens], classes: tokens.map(classifyToken), template: renderTemplate(tokens), size, lastSeen };
    file(cluster);
    return cluster;
  };

  for (const saved of [...(options.clusters ?? [])].sort((a, b) => a.lastSeen - b.lastSeen)) {
    newCluster(saved.id, saved.template, saved.size, saved.lastSeen);
    clock = Math.max(clock, saved.lastSeen);
    nextClusterId = Math.max(nextClusterId, saved.id + 1);
  }

  /** How `cluster` compares with the message, or undefined when a cause or word differs. */
  const compare = (cluster: Cluster, tokens: readonly string[], classes: readonly TokenClass[]): Candidate | undefined => {
    let literal = 0;
    let matching = 0;
    const differing: number[] = [];
    for (let index = 0; index < tokens.length; index++) {
      const template = cluster.tokens[index]!;
      const token = tokens[index]!;
      if (template === token) {
        literal++;
        matching++;
      } else if (fitsToken(template, token, classes[index]!)) {
        // A wildcard position: neither a match nor a mismatch of literals.
      } else if (differsInVariable(template, cluster.classes[index]!, token, classes[index]!)) {
        literal++;
        differing.push(index);
      } else return undefined;
    }
    // A template with no literal left would take anything of its length: it takes nothing new.
    return { cluster, similarity: literal === 0 ? 0 : matching / literal, differing };
  };

  const bestJoin = (tokens: readonly string[], classes: readonly TokenClass[]): Candidate | undefined => {
    let best: Candidate | undefined;
    for (const cluster of tree.candidates(tokens, classes)) {
      const candidate = compare(cluster, tokens, classes);
      if (candidate === undefined || candidate.similarity < settings.similarityThreshold) continue;
      if (best === undefined || ranksBefore(candidate, best)) best = candidate;
    }
    return best;
  };

  const touch = (cluster: Cluster): void => {
    cluster.lastSeen = clock;
    byRecency.delete(cluster.id);
    byRecency.set(cluster.id, cluster);
  };

  const evict = (): number[] => {
    const evicted: number[] = [];
    while (byRecency.size > settings.maxClusters) {
      const oldest = byRecency.values().next().value!;
      unfile(oldest);
      evicted.push(oldest.id);
    }
    return evicted;
  };

  const join = (candidate: Candidate, tokens: readonly string[], classes: readonly TokenClass[]): MinedMessage => {
    const { cluster, differing } = candidate;
    const before = cluster.template;
    if (differing.length > 0) {
      const updated = [...cluster.tokens];
      for (const index of differing) updated[index] = generalizeToken(updated[index]!, tokens[index]!, classes[index]!);
      // Variables and wildcards are filed under `<*>` already: the tree path does not change.
      setTokens(cluster, updated);
    }
    cluster.size++;
    touch(cluster);
    const template = cluster.template;
    return {
      clusterId: cluster.id,
      template,
      templateTokens: cluster.tokens,
      change: differing.length > 0 ? 'generalized' : 'matched',
      replaced: template === before ? [] : [before],
      evicted: evict(),
    };
  };

  /** A family of clusters differing from the message only at some word positions, once one of those holds enough distinct words. */
  const findFamily = (tokens: readonly string[], classes: readonly TokenClass[]): Cluster[] | undefined => {
    const maxDiffering = Math.floor(tokens.length * (1 - settings.similarityThreshold));
    const near: { cluster: Cluster; positions: number[] }[] = [];
    for (const cluster of byLength.get(tokens.length) ?? []) {
      const positions = differingPositions(cluster, tokens, classes, maxDiffering);
      if (positions !== undefined && positions.length > 0) near.push({ cluster, positions });
    }
    // Try the smallest position sets first, in a fixed order, so the outcome does not
    // depend on the order the clusters were met in.
    const positionSets = [...new Map(near.map(({ positions }) => [positions.join(','), positions])).values()].sort(
      (a, b) => a.length - b.length || a.join(',').localeCompare(b.join(',')),
    );
    for (const positions of positionSets) {
      const members = near.filter((entry) => entry.positions.every((index) => positions.includes(index))).map((entry) => entry.cluster);
      const wordPositions = positions.filter((index) => classes[index] === 'word' || members.some((member) => member.classes[index] === 'word'));
      // Variables alone differing is the join's business (and its similarity threshold's).
      // The first word is the message's subject or program (`cupsd startup succeeded`,
      // `hcid startup succeeded`): never a variable, as in Drain's prefix tree.
      if (wordPositions.length === 0 || wordPositions.includes(0)) continue;
      const variable = wordPositions.every((index) => {
        if (members.some((member) => member.tokens[index]!.includes(wildcard))) return true;
        return new Set([tokens[index], ...members.map((member) => member.tokens[index])]).size >= settings.minDistinctWords;
      });
      if (variable) return members;
    }
    return undefined;
  };

  const merge = (members: Cluster[], tokens: readonly string[]): MinedMessage => {
    const ordered = [...members].sort((a, b) => a.id - b.id);
    const survivor = [...ordered].sort((a, b) => b.size - a.size || a.id - b.id)[0]!;
    const before = ordered.map((member) => member.template);
    const merged = [...tokens];
    for (const member of ordered) {
      for (let index = 0; index < merged.length; index++) {
        merged[index] = generalizeToken(member.tokens[index]!, merged[index]!, classifyToken(merged[index]!));
      }
    }
    for (const member of ordered) unfile(member);
    setTokens(survivor, merged);
    survivor.size = ordered.reduce((sum, member) => sum + member.size, 1);
    survivor.lastSeen = clock;
    file(survivor);
    const template = survivor.template;
    return {
      clusterId: survivor.id,
      template,
      templateTokens: merged,
      change: 'merged',
      replaced: [...new Set(before)].filter((previous) => previous !== template),
      evicted: evict(),
    };
  };

  return {
    add(input) {
      clock++;
      const tokens = [...input];
      const classes = tokens.map(classifyToken);
      const candidate = bestJoin(tokens, classes);
      if (candidate !== undefined) return join(candidate, tokens, classes);
      const family = findFamily(tokens, classes);
      if (family !== undefined) return merge(family, tokens);
      const cluster = newCluster(nextClusterId++, tokens, 1, clock);
      return {
        clusterId: cluster.id,
        template: cluster.template,
        templateTokens: cluster.tokens,
        change: 'created',
        replaced: [],
        evicted: evict(),
      };
    },

    snapshot() {
      const clusters = [...byRecency.values()]
        .sort((a, b) => a.id - b.id)
        .map((cluster) => ({ id: cluster.id, template: [...cluster.tokens], size: cluster.size, lastSeen: cluster.lastSeen }));
      return { clusters, nextClusterId };
    },

    get clusterCount() {
      return byRecency.size;
    },
  };
}

/**
 * Positions where `cluster` differs from the message, or undefined when a cause differs or
 * more than `limit` positions do.
 */
function differingPositions(cluster: Cluster, tokens: readonly string[], classes: readonly TokenClass[], limit: number): number[] | undefined {
  const positions: number[] = [];
  for (let index = 0; index < tokens.length; index++) {
    if (fitsToken(cluster.tokens[index]!, tokens[index]!, classes[index]!)) continue;
    if (cluster.classes[index] === 'cause' || classes[index] === 'cause' || positions.length === limit) return undefined;
    positions.push(index);
  }
  return positions;
}

/**
 * Whether two differing tokens may be the same variable: neither names a cause, neither is
 * a plain word (unless the template position is a wildcard already), and they are not
 * pairs of different keys (`user=…` vs `host=…`).
 */
function differsInVariable(template: string, templateClass: TokenClass, token: string, tokenClass: TokenClass): boolean {
  if (templateClass === 'cause' || tokenClass === 'cause' || templateClass === 'word') return false;
  if (tokenClass === 'word' && templateClass !== 'wildcard') return false;
  const templateKey = keyOf(template);
  const tokenKey = keyOf(token);
  return templateKey === undefined || tokenKey === undefined || templateKey === tokenKey;
}

/** Higher similarity first, then fewer new wildcards, then the older cluster. */
function ranksBefore(a: Candidate, b: Candidate): boolean {
  if (a.similarity !== b.similarity) return a.similarity > b.similarity;
  if (a.differing.length !== b.differing.length) return a.differing.length < b.differing.length;
  return a.cluster.id < b.cluster.id;
}
