import type { ServiceRuntime } from '@causeloop/platform/runtime';
import type { GatewayConfig } from '../config.js';
import { createMemoryRateLimiter, type RateLimiter } from './gcra.js';
import { createRedisRateLimiter } from './redis-rate-limiter.js';

/**
 * The limiter the configuration asks for. With REDIS_URL the limits hold across replicas
 * (DESIGN §7), and Redis is part of readiness: a wrong URL shows as not ready rather than
 * as quietly per-replica limits. Without it, limits are per replica, in memory.
 */
export function createRateLimiter(config: GatewayConfig, runtime: ServiceRuntime): RateLimiter {
  if (config.redisUrl === undefined) return createMemoryRateLimiter();
  const redis = createRedisRateLimiter({
    url: config.redisUrl,
    failure: config.rateLimitRedisFailure,
    logger: runtime.logger,
    registry: runtime.registry,
  });
  runtime.readiness.register('redis', () => redis.ping());
  runtime.lifecycle.onShutdown('redis rate limiter', () => redis.close());
  return redis;
}
