import type { ServiceRuntime } from '@causeloop/platform/runtime';
import type { GatewayConfig } from '../config.js';
import { createMemoryRateLimiter, type RateLimiter } from './gcra.js';

/**
 * The limiter the configuration asks for. With REDIS_URL the limits hold across replicas
 * (DESIGN §7), and Redis is part of readiness: a wrong URL shows as not ready rather than
 * as quietly per-replica limits. Without it, limits are per replica, in memory, and the
 * Redis client library is never loaded.
 */
export async function createRateLimiter(config: GatewayConfig, runtime: ServiceRuntime): Promise<RateLimiter> {
  if (config.redisUrl === undefined) return createMemoryRateLimiter();
  const { createRedisRateLimiter } = await import('./redis-rate-limiter.js');
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
