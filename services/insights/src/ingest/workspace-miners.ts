import { createTemplateMiner, type ClusterSnapshot, type TemplateMiner, type TemplateMinerOptions } from '../grouping/index.js';

// Each workspace's template miner, kept in memory between ingests (building one from its
// stored clusters costs a query and a few milliseconds; mining a batch, less). The stored
// clusters and their version are the truth: a miner is used only at the version it was
// built or last saved at, so a replica whose miner fell behind another replica's ingests
// rebuilds it (DESIGN: any replica, any restart). Callers hold the workspace's lock.

export interface StoredMinerState {
  readonly version: number;
  readonly nextClusterId: number;
  readonly clusters: readonly ClusterSnapshot[];
}

export interface WorkspaceMiner {
  readonly miner: TemplateMiner;
  /** The stored version this miner matches. */
  readonly version: number;
  /** Ids of the clusters it held at that version, to tell which ones a batch removed. */
  readonly clusterIds: ReadonlySet<number>;
}

export interface WorkspaceMiners {
  /** The workspace's miner if this replica has one at `version`, else undefined. */
  current(workspaceId: string, version: number): WorkspaceMiner | undefined;
  /** Builds the workspace's miner from its stored state (and keeps it, at that version). */
  rebuild(workspaceId: string, state: StoredMinerState): WorkspaceMiner;
  /** Records that the workspace's miner now matches `version`, holding `clusterIds`. */
  saved(workspaceId: string, miner: TemplateMiner, version: number, clusterIds: ReadonlySet<number>): void;
  /** Forgets the workspace's miner (its batch rolled back: the miner is ahead of the database). */
  discard(workspaceId: string): void;
  readonly size: number;
}

/** An LRU of at most `maxWorkspaces` miners built with `options`. */
export function createWorkspaceMiners(options: { readonly maxWorkspaces: number; readonly miner: TemplateMinerOptions }): WorkspaceMiners {
  const miners = new Map<string, WorkspaceMiner>();
  const keep = (workspaceId: string, entry: WorkspaceMiner): WorkspaceMiner => {
    miners.delete(workspaceId);
    miners.set(workspaceId, entry);
    while (miners.size > options.maxWorkspaces) miners.delete(miners.keys().next().value!);
    return entry;
  };
  return {
    current(workspaceId, version) {
      const entry = miners.get(workspaceId);
      if (entry === undefined || entry.version !== version) return undefined;
      return keep(workspaceId, entry);
    },
    rebuild(workspaceId, state) {
      const miner = createTemplateMiner({ ...options.miner, clusters: state.clusters, nextClusterId: state.nextClusterId });
      return keep(workspaceId, { miner, version: state.version, clusterIds: new Set(state.clusters.map((cluster) => cluster.id)) });
    },
    saved(workspaceId, miner, version, clusterIds) {
      keep(workspaceId, { miner, version, clusterIds });
    },
    discard(workspaceId) {
      miners.delete(workspaceId);
    },
    get size() {
      return miners.size;
    },
  };
}

/**
 * Runs `work` for one workspace at a time in this process, so two calls for a workspace do
 * not both hold a pooled connection while one waits on the other's database lock.
 */
export function createWorkspaceQueue(): <T>(workspaceId: string, work: () => Promise<T>) => Promise<T> {
  const tails = new Map<string, Promise<unknown>>();
  return async (workspaceId, work) => {
    const previous = tails.get(workspaceId) ?? Promise.resolve();
    const run = previous.then(work, work);
    const tail = run.catch(() => undefined);
    tails.set(workspaceId, tail);
    try {
      return await run;
    } finally {
      if (tails.get(workspaceId) === tail) tails.delete(workspaceId);
    }
  };
}
