import type { PreparedKey } from '../crypto/committing-aead.js';

export interface DekCacheOptions {
  /** Keys kept at most; past it the least recently used is dropped. Default 10,000. */
  readonly maxEntries?: number;
  /** How long an unwrapped key is reused before it is unwrapped again. Default 5 minutes. */
  readonly ttlMs?: number;
}

/** The stored row a key comes from; `wrappedKey` is compared so a cached key always matches the row read now. */
export interface WrappedDek {
  readonly workspaceId: string;
  readonly dekVersion: number;
  readonly wrappedKey: Uint8Array;
}

/**
 * Unwrapped DEKs of this process, keyed by (workspace, DEK version). Bounded and expiring,
 * so a key stays in memory only while it is in use, and the crypto service is asked once
 * per key and TTL rather than once per value.
 */
export interface DekCache {
  /**
   * The cached key, or the result of `unwrap`. Concurrent misses for one key share one
   * unwrap; a failed unwrap is not cached (the next call tries again).
   */
  get(wrapped: WrappedDek, unwrap: () => Promise<PreparedKey>): Promise<PreparedKey>;
  /** Drops the workspace's keys, and lets any unwrap still running for it go uncached. */
  forget(workspaceId: string): void;
  readonly size: number;
}

interface Entry {
  readonly workspaceId: string;
  readonly wrappedKey: Buffer;
  readonly key: PreparedKey;
  readonly expiresAt: number;
}

interface Pending {
  readonly workspaceId: string;
  readonly wrappedKey: Buffer;
  readonly promise: Promise<PreparedKey>;
}

export const defaultDekCacheMaxEntries = 10_000;
export const defaultDekCacheTtlMs = 5 * 60_000;

export function createDekCache(options: DekCacheOptions = {}): DekCache {
  const maxEntries = options.maxEntries ?? defaultDekCacheMaxEntries;
  const ttlMs = options.ttlMs ?? defaultDekCacheTtlMs;
  if (!Number.isInteger(maxEntries) || maxEntries < 1) throw new RangeError('the DEK cache needs maxEntries >= 1');
  if (!(ttlMs > 0)) throw new RangeError('the DEK cache needs ttlMs > 0');
  // A Map iterates in insertion order: re-inserting on every hit keeps the least recently
  // used entry first, which is the one evicted.
  const entries = new Map<string, Entry>();
  const pending = new Map<string, Pending>();

  return {
    async get(wrapped, unwrap) {
      const { workspaceId } = wrapped;
      const wrappedKey = Buffer.from(wrapped.wrappedKey);
      const id = `${workspaceId}/${wrapped.dekVersion}`;
      const entry = entries.get(id);
      if (entry !== undefined) {
        entries.delete(id);
        // A key is reused only for the very row it was unwrapped from: after a rewrap, or
        // when the row it came from was rolled back and the version made again with another
        // DEK, the wrapped bytes differ and the key is unwrapped afresh.
        if (entry.expiresAt > Date.now() && entry.wrappedKey.equals(wrappedKey)) {
          entries.set(id, entry);
          return entry.key;
        }
      }
      const running = pending.get(id);
      if (running !== undefined && running.wrappedKey.equals(wrappedKey)) {
        return running.promise;
      }

      const own: Pending = { workspaceId, wrappedKey, promise: unwrap() };
      pending.set(id, own);
      try {
        const key = await own.promise;
        // Store only if nobody forgot the workspace (or started another unwrap) meanwhile.
        if (pending.get(id) === own) {
          entries.set(id, { workspaceId, wrappedKey, key, expiresAt: Date.now() + ttlMs });
          for (const oldest of entries.keys()) {
            if (entries.size <= maxEntries) break;
            entries.delete(oldest);
          }
        }
        return key;
      } finally {
        if (pending.get(id) === own) pending.delete(id);
      }
    },

    forget(workspaceId) {
      for (const [id, entry] of entries) if (entry.workspaceId === workspaceId) entries.delete(id);
      for (const [id, running] of pending) if (running.workspaceId === workspaceId) pending.delete(id);
    },

    get size() {
      return entries.size;
    },
  };
}
