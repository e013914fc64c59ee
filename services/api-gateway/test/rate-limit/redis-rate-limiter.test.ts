import { createMetricsRegistry, metricCatalogue, type Registry } from '@causeloop/platform/metrics';
import { isCauseloopError } from '@causeloop/platform/errors';
import { createLogger } from '@causeloop/platform/log';
import { findFreePort, skipWithoutRedisServer, startRedisServer, type RedisServer } from '@causeloop/platform/testing';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryRateLimiter, type RateLimitPolicy } from '../../src/rate-limit/index.js';
import {
  createRedisRateLimiter,
  redisKey,
  type RedisRateLimiter,
  type RedisRateLimiterOptions,
} from '../../src/rate-limit/redis-rate-limiter.js';

const skip = skipWithoutRedisServer('services/api-gateway/test/rate-limit/redis-rate-limiter.test.ts');

// An hour-long window: tokens refill every 12 minutes, so however slow the machine, no
// token comes back during a test and decisions are exact.
const hourly: RateLimitPolicy = { name: 'default', limit: 5, windowSeconds: 3600 };

const limiters: RedisRateLimiter[] = [];
afterEach(async () => {
  await Promise.all(limiters.splice(0).map((limiter) => limiter.close()));
});

async function connect(
  url: string,
  options: Partial<RedisRateLimiterOptions> = {},
): Promise<{ limiter: RedisRateLimiter; registry: Registry; logLines: string[] }> {
  const logLines: string[] = [];
  const registry = createMetricsRegistry({ service: 'api-gateway-test' });
  const limiter = createRedisRateLimiter({
    url,
    failure: 'open',
    logger: createLogger({ service: 'api-gateway-test', destination: { write: (line: string) => void logLines.push(line) } }),
    registry,
    ...options,
  });
  limiters.push(limiter);
  return { limiter, registry, logLines };
}

async function backendErrors(registry: Registry, failure: string): Promise<number> {
  const metric = await registry.getSingleMetric(metricCatalogue.gateway.rateLimitBackendErrors.name)?.get();
  return metric?.values.find((value) => value.labels['failure'] === failure)?.value ?? 0;
}

describe.skipIf(skip)('the Redis rate limiter', () => {
  let server: RedisServer;
  let inspector: Redis;

  beforeAll(async () => {
    server = await startRedisServer();
    inspector = new Redis(server.url);
  });
  afterAll(async () => {
    inspector?.disconnect();
    await server?.stop();
  });

  it('answers a burst exactly as the memory limiter does', async () => {
    const { limiter } = await connect(server.url);
    await limiter.ping();
    const memory = createMemoryRateLimiter();
    for (let i = 0; i < hourly.limit + 2; i += 1) {
      const fromRedis = await limiter.take('ip:198.51.100.1', hourly);
      const fromMemory = memory.take('ip:198.51.100.1', hourly);
      expect({ allowed: fromRedis.allowed, remaining: fromRedis.remaining }).toEqual({
        allowed: fromMemory.allowed,
        remaining: fromMemory.remaining,
      });
    }
    const denied = await limiter.take('ip:198.51.100.1', hourly);
    expect(denied.allowed).toBe(false);
    expect(denied.remaining).toBe(0);
    expect(denied.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    expect(denied.retryAfterSeconds).toBeLessThanOrEqual(720);
    expect(denied.resetSeconds).toBeLessThanOrEqual(3600);
    // Another client has its own bucket.
    expect(await limiter.take('ip:198.51.100.2', hourly)).toMatchObject({ allowed: true, remaining: 4, retryAfterSeconds: 0 });
  });

  it('spends nothing on denied requests, and expires each key when its bucket is full again', async () => {
    const { limiter } = await connect(server.url);
    await limiter.ping();
    const policy: RateLimitPolicy = { name: 'tight', limit: 2, windowSeconds: 60 };
    const key = redisKey(policy, 'ip:203.0.113.5');
    expect(key).toBe('causeloop:rl:tight:ip:203.0.113.5');
    await limiter.take('ip:203.0.113.5', policy);
    const ttlAfterOne = await inspector.pttl(key);
    expect(ttlAfterOne).toBeGreaterThan(0);
    expect(ttlAfterOne).toBeLessThanOrEqual(30_000);
    await limiter.take('ip:203.0.113.5', policy);
    const spent = await inspector.get(key);
    expect(await inspector.pttl(key)).toBeLessThanOrEqual(60_000);
    for (let i = 0; i < 5; i += 1) expect((await limiter.take('ip:203.0.113.5', policy)).allowed).toBe(false);
    expect(await inspector.get(key)).toBe(spent);
  });

  it('hashes long client keys and keeps policies with colons apart', async () => {
    const { limiter } = await connect(server.url);
    await limiter.ping();
    const long = `principal:${'x'.repeat(5_000)}`;
    await limiter.take(long, hourly);
    const stored = await inspector.keys('causeloop:rl:default:sha256:*');
    expect(stored).toHaveLength(1);
    expect(stored[0]!.length).toBeLessThan(100);
    // A key that merely looks hashed is hashed too, so it cannot land on another's bucket.
    expect(redisKey(hourly, `sha256:${stored[0]!.split('sha256:')[1]}`)).not.toBe(stored[0]);
    expect(redisKey({ ...hourly, name: 'a:b' }, 'c')).not.toBe(redisKey({ ...hourly, name: 'a' }, 'b:c'));
  });

  it('two clients of one Redis share one bucket', async () => {
    const a = await connect(server.url);
    const b = await connect(server.url);
    await Promise.all([a.limiter.ping(), b.limiter.ping()]);
    const policy: RateLimitPolicy = { name: 'shared', limit: 4, windowSeconds: 3600 };
    const answers = [];
    for (const limiter of [a.limiter, b.limiter, a.limiter, b.limiter, a.limiter, b.limiter]) {
      answers.push((await limiter.take('ip:192.0.2.7', policy)).allowed);
    }
    expect(answers).toEqual([true, true, true, true, false, false]);
  });

  it('does not answer PING, so readiness fails, when the URL points at no Redis', async () => {
    const { limiter } = await connect(`redis://127.0.0.1:${await findFreePort()}`);
    await expect(limiter.ping()).rejects.toThrow();
  });
});

describe.skipIf(skip)('the Redis rate limiter when Redis goes away', () => {
  it('fails open to a per-replica limit, counts each failure and warns once, not per request', async () => {
    const stopping = await startRedisServer();
    const { limiter, registry, logLines } = await connect(stopping.url, { failure: 'open' });
    await limiter.ping();
    const policy: RateLimitPolicy = { name: 'default', limit: 3, windowSeconds: 3600 };
    expect((await limiter.take('ip:198.51.100.3', policy)).allowed).toBe(true);
    await stopping.stop();

    const answers = [];
    for (let i = 0; i < 6; i += 1) answers.push((await limiter.take('ip:198.51.100.3', policy)).allowed);
    // The memory fallback has its own, fresh bucket: still a limit, per replica.
    expect(answers).toEqual([true, true, true, false, false, false]);
    expect(await backendErrors(registry, 'open')).toBe(6);
    const warnings = logLines.map((line) => JSON.parse(line) as Record<string, unknown>).filter((line) => line['level'] === 'warn');
    expect(warnings.length).toBeGreaterThanOrEqual(1);
    expect(warnings.length).toBeLessThan(6);
    await expect(limiter.ping()).rejects.toThrow();
  });

  it('fails closed with `unavailable` when told to', async () => {
    const stopping = await startRedisServer();
    const { limiter, registry } = await connect(stopping.url, { failure: 'closed' });
    await limiter.ping();
    await stopping.stop();
    const failure = await limiter.take('ip:198.51.100.4', hourly).catch((error: unknown) => error);
    expect(isCauseloopError(failure) && failure.code).toBe('unavailable');
    expect(await backendErrors(registry, 'closed')).toBe(1);
  });

  it('keeps the password of REDIS_URL out of its logs', async () => {
    const { limiter, logLines } = await connect(`redis://:hunter2-not-logged@127.0.0.1:${await findFreePort()}`);
    await expect(limiter.ping()).rejects.toThrow();
    await limiter.take('ip:198.51.100.5', hourly);
    expect(logLines.length).toBeGreaterThan(0);
    expect(logLines.join('\n')).not.toContain('hunter2-not-logged');
  });
});
