/** A map whose entries each expire, bounded in size. */
export interface ExpiringMap<V> {
  /** The value, unless it is absent or expired (an expired entry is dropped on the way). */
  get(key: string): V | undefined;
  /** Keeps `value` until `expiresAtMs`; an entry already expired is not kept. */
  set(key: string, value: V, expiresAtMs: number): void;
}

export interface ExpiringMapOptions {
  /** Entries kept at most; when full, the oldest set goes first. */
  readonly maxEntries: number;
  readonly now?: () => number;
}

/**
 * The short caches of the identity checks (a token's answer from auth at the gateway, a
 * verified assertion at a backend): a plain Map in insertion order, so evicting the
 * oldest is one step and a lookup costs no more than the Map's.
 */
export function createExpiringMap<V>(options: ExpiringMapOptions): ExpiringMap<V> {
  const now = options.now ?? Date.now;
  const entries = new Map<string, { readonly value: V; readonly expiresAtMs: number }>();
  return {
    get(key) {
      const entry = entries.get(key);
      if (entry === undefined) return undefined;
      if (entry.expiresAtMs > now()) return entry.value;
      entries.delete(key);
      return undefined;
    },
    set(key, value, expiresAtMs) {
      if (expiresAtMs <= now()) return;
      entries.delete(key);
      if (entries.size >= options.maxEntries) {
        const oldest = entries.keys().next();
        if (oldest.done !== true) entries.delete(oldest.value);
      }
      entries.set(key, { value, expiresAtMs });
    },
  };
}
