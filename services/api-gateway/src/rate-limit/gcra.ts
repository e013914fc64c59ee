import { assertValidPolicy, type RateLimitPolicy } from './policy.js';

/** The answer to one request against one policy. */
export interface RateLimitDecision {
  readonly allowed: boolean;
  /** Requests still allowed right now after this one (0 when denied). */
  readonly remaining: number;
  /** Seconds until the bucket is full again (the `t` of the `RateLimit` field). */
  readonly resetSeconds: number;
  /** Seconds until one more request would be allowed: ≥ 1 when denied, 0 when allowed. */
  readonly retryAfterSeconds: number;
}

/**
 * What the gateway needs from a limiter. A Redis implementation (one Lua script per call,
 * shared across replicas) answers asynchronously, hence the union return type.
 */
export interface RateLimiter {
  take(key: string, policy: RateLimitPolicy): RateLimitDecision | Promise<RateLimitDecision>;
}

export interface MemoryRateLimiter extends RateLimiter {
  take(key: string, policy: RateLimitPolicy): RateLimitDecision;
  /** Keys currently holding state, across all policies (for tests and a gauge). */
  size(): number;
}

export interface MemoryRateLimiterOptions {
  /** Milliseconds; monotonic by default so wall-clock jumps neither free nor lock buckets. */
  readonly clock?: () => number;
  /** Most keys kept per policy; beyond it the least recently used key is forgotten. */
  readonly maxKeys?: number;
}

const defaultMaxKeys = 100_000;
// Expired keys removed per call: a constant, so each call stays O(1), and more than the
// one key a call can add, so expired state cannot pile up while traffic flows.
const sweepBatch = 4;
// Emission intervals such as 60000/7 ms are not exact in binary floating point; without
// a tolerance the `limit`-th request of a burst can land a hair past the allowance.
const epsilonMs = 1e-6;

/**
 * GCRA (the generic cell rate algorithm): a token bucket stored as one number per key,
 * the "theoretical arrival time" (TAT) at which the bucket would be full again. A bucket
 * holds `limit` tokens and refills one every `windowSeconds / limit`.
 *
 * Memory stays bounded: a key whose TAT has passed is a full bucket and is deleted (it
 * is indistinguishable from a key never seen), and each policy's map keeps insertion
 * order = last-write order, so its head is always the key closest to expiry.
 */
export function createMemoryRateLimiter(options: MemoryRateLimiterOptions = {}): MemoryRateLimiter {
  const clock = options.clock ?? (() => performance.now());
  const maxKeys = options.maxKeys ?? defaultMaxKeys;
  if (!Number.isSafeInteger(maxKeys) || maxKeys < 1) throw new RangeError('maxKeys must be a positive integer');
  const tatsByPolicy = new Map<string, Map<string, number>>();
  // Each policy object is checked the first time it is used, not on every request.
  const checked = new WeakSet<RateLimitPolicy>();

  function take(key: string, policy: RateLimitPolicy): RateLimitDecision {
    if (!checked.has(policy)) {
      assertValidPolicy(policy);
      checked.add(policy);
    }
    const now = clock();
    let tats = tatsByPolicy.get(policy.name);
    if (tats === undefined) {
      tats = new Map();
      tatsByPolicy.set(policy.name, tats);
    }
    sweep(tats, now);

    const toleranceMs = policy.windowSeconds * 1000;
    const intervalMs = toleranceMs / policy.limit;
    const stored = tats.get(key);
    const tat = stored !== undefined && stored > now ? stored : now;
    const nextTat = tat + intervalMs;
    const allowedAt = nextTat - toleranceMs;

    if (allowedAt - now > epsilonMs) {
      // Denied requests spend nothing, so a client hammering a full bucket cannot push
      // its own recovery further out.
      return {
        allowed: false,
        remaining: 0,
        resetSeconds: ceilSeconds(tat - now),
        retryAfterSeconds: Math.max(1, ceilSeconds(allowedAt - now)),
      };
    }

    tats.delete(key); // re-insert at the tail: the map's order is last-write order
    tats.set(key, nextTat);
    if (tats.size > maxKeys) {
      const oldest = tats.keys().next();
      if (oldest.done !== true) tats.delete(oldest.value);
    }
    return {
      allowed: true,
      remaining: Math.floor((toleranceMs - (nextTat - now)) / intervalMs + 1e-9),
      resetSeconds: ceilSeconds(nextTat - now),
      retryAfterSeconds: 0,
    };
  }

  function size(): number {
    let total = 0;
    for (const tats of tatsByPolicy.values()) total += tats.size;
    return total;
  }

  return { take, size };
}

function sweep(tats: Map<string, number>, now: number): void {
  let removed = 0;
  for (const [key, tat] of tats) {
    if (tat > now || removed >= sweepBatch) return;
    tats.delete(key);
    removed += 1;
  }
}

function ceilSeconds(ms: number): number {
  return Math.max(0, Math.ceil((ms - epsilonMs) / 1000));
}
