import { createHash } from 'node:crypto';
import { Redis } from 'ioredis';
import type { Logger } from '@causeloop/platform/log';
import { metric, metricCatalogue, type Registry } from '@causeloop/platform/metrics';
import { CauseloopError } from '@causeloop/platform/errors';
import { createMemoryRateLimiter, type RateLimitDecision, type RateLimiter } from './gcra.js';
import { assertValidPolicy, type RateLimitPolicy } from './policy.js';

/** What a replica does when Redis does not answer (`RATE_LIMIT_REDIS_FAILURE`). */
export type RedisFailureMode = 'open' | 'closed';

export interface RedisRateLimiterOptions {
  /** `redis://` or `rediss://` URL; it may carry a password, so it is never logged. */
  readonly url: string;
  /**
   * `open`: the request is limited by this replica's in-memory limiter instead (still
   * limited, per replica). `closed`: `take` rejects with `unavailable` (503).
   */
  readonly failure: RedisFailureMode;
  readonly logger: Logger;
  readonly registry: Registry;
  /** The per-replica limiter used when failing open; a fresh memory limiter by default. */
  readonly fallback?: RateLimiter;
  /** At most one warning per this many milliseconds while Redis keeps failing. Default 30 s. */
  readonly errorLogIntervalMs?: number;
}

export interface RedisRateLimiter extends RateLimiter {
  take(key: string, policy: RateLimitPolicy): Promise<RateLimitDecision>;
  /** Rejects unless Redis answers PING: the gateway's readiness check. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

// The memory limiter's GCRA, step for step, so both answer alike (see gcra.ts for why
// each line is what it is). The clock is Redis's own TIME, so replicas' clocks never
// matter; `replicate_commands` makes TIME allowed before a write on Redis < 5 and is a
// no-op since. The TAT is stored with %.17g so it reads back as the same double, and
// expires when the bucket is full again: an absent key is a full bucket.
const gcraScript = `
if redis.replicate_commands then redis.replicate_commands() end
local limit = tonumber(ARGV[1])
local tolerance = tonumber(ARGV[2]) * 1000
local epsilon = 1e-6
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + tonumber(time[2]) / 1000
local interval = tolerance / limit
local stored = tonumber(redis.call('GET', KEYS[1]))
local tat = now
if stored ~= nil and stored > now then tat = stored end
local next_tat = tat + interval
local allowed_at = next_tat - tolerance
local function ceil_seconds(ms)
  return math.max(0, math.ceil((ms - epsilon) / 1000))
end
if allowed_at - now > epsilon then
  return {0, 0, ceil_seconds(tat - now), math.max(1, ceil_seconds(allowed_at - now))}
end
redis.call('SET', KEYS[1], string.format('%.17g', next_tat), 'PX', math.max(1, math.ceil(next_tat - now)))
return {1, math.floor((tolerance - (next_tat - now)) / interval + 1e-9), ceil_seconds(next_tat - now), 0}
`;

type ScriptReply = [allowed: number, remaining: number, resetSeconds: number, retryAfterSeconds: number];

/** The client once `defineCommand` has added the script (EVALSHA, EVAL on NOSCRIPT). */
interface ScriptedRedis extends Redis {
  causeloopGcraTake(key: string, limit: number, windowSeconds: number): Promise<ScriptReply>;
}

const defaultErrorLogIntervalMs = 30_000;
// Longer client keys are hashed so a key's size in Redis is bounded whatever a
// principal id or address looks like.
const longestPlainKey = 128;
const hashedKeyPrefix = 'sha256:';

/**
 * GCRA shared by every replica through Redis: one Lua script per `take`, atomic, so two
 * gateways sharing a Redis enforce one limit. The client is built to fail fast (short
 * timeouts, no offline queue, no retried commands) because a limiter that waits on a dead
 * Redis would stall every request; what happens then is the `failure` mode's choice.
 */
export function createRedisRateLimiter(options: RedisRateLimiterOptions): RedisRateLimiter {
  const fallback = options.fallback ?? createMemoryRateLimiter();
  const backendErrors = metric(options.registry, metricCatalogue.gateway.rateLimitBackendErrors);
  const warn = createThrottledWarning(options.logger, options.errorLogIntervalMs ?? defaultErrorLogIntervalMs);
  const redis = new Redis(options.url, {
    connectTimeout: 1_000,
    commandTimeout: 500,
    // 0: a script retried after a reconnect could spend a token twice; failing the one
    // request to the failure mode is the better trade.
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    // Without a listener ioredis prints connection errors to stderr itself.
  }) as ScriptedRedis;
  redis.on('error', (error: Error) => warn(error, 'redis connection error'));
  redis.defineCommand('causeloopGcraTake', { numberOfKeys: 1, lua: gcraScript });

  async function take(key: string, policy: RateLimitPolicy): Promise<RateLimitDecision> {
    assertValidPolicy(policy);
    let reply: ScriptReply;
    try {
      reply = await redis.causeloopGcraTake(redisKey(policy, key), policy.limit, policy.windowSeconds);
    } catch (error) {
      backendErrors.inc({ failure: options.failure });
      warn(error, `rate limiting through redis failed; failing ${options.failure}`);
      if (options.failure === 'closed') {
        throw new CauseloopError('unavailable', 'Rate limiting is unavailable; try again shortly.', { cause: error });
      }
      return fallback.take(key, policy);
    }
    const [allowed, remaining, resetSeconds, retryAfterSeconds] = reply;
    return { allowed: allowed === 1, remaining, resetSeconds, retryAfterSeconds };
  }

  return {
    take,
    async ping() {
      // Without an offline queue a PING sent while the first connection is still being
      // made fails at once; waiting for it keeps a fresh replica from reporting a good
      // URL as broken (a bad one fails the connection, so this does not hang).
      if (redis.status === 'connecting' || redis.status === 'connect') await connectionSettled(redis);
      await redis.ping();
    },
    async close() {
      // quit() waits for replies in flight; on a dead connection it would hang, so disconnect.
      if (redis.status === 'ready') await redis.quit();
      else redis.disconnect();
    },
  };
}

function connectionSettled(redis: Redis): Promise<void> {
  return new Promise((resolve, reject) => {
    const onReady = (): void => {
      redis.off('error', onError);
      resolve();
    };
    const onError = (error: Error): void => {
      redis.off('ready', onReady);
      reject(error);
    };
    redis.once('ready', onReady);
    redis.once('error', onError);
  });
}

/** `causeloop:rl:<policy>:<key>`; the policy name is escaped so its `:` cannot shift the key. */
export function redisKey(policy: RateLimitPolicy, key: string): string {
  const plain = key.length <= longestPlainKey && !key.startsWith(hashedKeyPrefix);
  const member = plain ? key : `${hashedKeyPrefix}${createHash('sha256').update(key).digest('base64url')}`;
  return `causeloop:rl:${encodeURIComponent(policy.name)}:${member}`;
}

/**
 * One warning, then silence for `intervalMs` with a count of what was suppressed: a dead
 * Redis under load must not turn into one log line per request.
 */
function createThrottledWarning(logger: Logger, intervalMs: number): (error: unknown, message: string) => void {
  let lastLoggedAt = Number.NEGATIVE_INFINITY;
  let suppressed = 0;
  return (error, message) => {
    const now = performance.now();
    if (now - lastLoggedAt < intervalMs) {
      suppressed += 1;
      return;
    }
    lastLoggedAt = now;
    logger.warn({ err: describeError(error), suppressed }, message);
    suppressed = 0;
  };
}

/** Only the error's name and message: ioredis errors can carry the command's arguments. */
function describeError(error: unknown): { name: string; message: string } {
  return error instanceof Error ? { name: error.name, message: error.message } : { name: 'Error', message: String(error) };
}
