export { createClientAddressResolver, unknownClientKey, type ClientAddressResolver, type ClientAddressResolverOptions } from './client-address.js';
export {
  createMemoryRateLimiter,
  type MemoryRateLimiter,
  type MemoryRateLimiterOptions,
  type RateLimitDecision,
  type RateLimiter,
} from './gcra.js';
export { assertValidPolicy, defaultClientPolicy, defaultPrincipalPolicy, type RateLimitPolicy } from './policy.js';
export {
  formatRateLimit,
  formatRateLimitPolicy,
  formatRetryAfter,
  rateLimitHeader,
  rateLimitPolicyHeader,
  retryAfterHeader,
} from './rate-limit-headers.js';
// Types only: the Redis limiter (and ioredis, about 20 MB once loaded) is imported from
// './redis-rate-limiter.js' by what uses it, so a gateway without REDIS_URL never loads it.
export type { RedisFailureMode, RedisRateLimiter, RedisRateLimiterOptions } from './redis-rate-limiter.js';
export {
  limitPrincipal,
  registerRateLimit,
  type RateLimitOptions,
  type RateLimitProblem,
} from './rate-limit-plugin.js';
