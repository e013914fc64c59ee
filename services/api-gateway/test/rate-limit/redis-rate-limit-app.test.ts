import path from 'node:path';
import { AuthService } from '@causeloop/proto/causeloop/auth/v1/auth_pb.js';
import { createMetricsRegistry, metricCatalogue, type Registry } from '@causeloop/platform/metrics';
import { createLogger } from '@causeloop/platform/log';
import {
  createTestDatabase,
  findFreePort,
  skipWithoutRedisServer,
  startRedisServer,
  startServiceProcess,
  type RedisServer,
  type TestDatabase,
} from '@causeloop/platform/testing';
import type { FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import type { FrontedService } from '../../src/fronted-service.js';
import {
  createRedisRateLimiter,
  type RedisFailureMode,
  type RedisRateLimiter,
} from '../../src/rate-limit/redis-rate-limiter.js';

// Gateways as replicas: each its own app, limiter and Redis connection, one Redis between them.
const skip = skipWithoutRedisServer('services/api-gateway/test/rate-limit/redis-rate-limit-app.test.ts');

const repositoryRoot = path.resolve(import.meta.dirname, '../../../..');
// Built by `tsc -b` (npm test runs it first), or `npx tsc -b services/api-gateway`.
const gatewayMain = path.join(repositoryRoot, 'services/api-gateway/dist/main.js');

const unreachable: FrontedService['call'] = () => Promise.reject(new Error('not called'));
const authenticator = { authenticate: () => Promise.reject(new Error('not called')) };

interface Replica {
  readonly app: FastifyInstance;
  readonly limiter: RedisRateLimiter;
  readonly registry: Registry;
}

const replicas: Replica[] = [];
afterEach(async () => {
  await Promise.all(replicas.splice(0).map(async ({ app, limiter }) => (await app.close(), await limiter.close())));
});

async function startReplica(redisUrl: string, failure: RedisFailureMode = 'open', limit = 10): Promise<Replica> {
  const registry = createMetricsRegistry({ service: 'api-gateway' });
  const logger = createLogger({ service: 'api-gateway', level: 'silent' });
  const limiter = createRedisRateLimiter({ url: redisUrl, failure, logger, registry });
  await limiter.ping();
  const app = await buildApp({
    services: [{ service: AuthService, call: unreachable }],
    authenticator,
    logger,
    registry,
    rateLimit: { limiter, clientPolicy: { name: 'default', limit, windowSeconds: 60 } },
  });
  const replica = { app, limiter, registry };
  replicas.push(replica);
  return replica;
}

const get = (replica: Replica, remoteAddress = '198.51.100.20') =>
  replica.app.inject({ method: 'GET', url: '/v1/nowhere', remoteAddress });

async function statuses(replica: Replica, count: number): Promise<number[]> {
  const codes: number[] = [];
  for (let i = 0; i < count; i += 1) codes.push((await get(replica)).statusCode);
  return codes;
}

describe.skipIf(skip)('two gateways sharing one Redis', () => {
  let redis: RedisServer;
  beforeAll(async () => {
    redis = await startRedisServer();
  });
  afterAll(async () => {
    await redis?.stop();
  });

  it('enforce one limit: 6 via A and 4 via B are allowed, the 11th is 429 on either', async () => {
    const a = await startReplica(redis.url);
    const b = await startReplica(redis.url);
    expect(await statuses(a, 6)).toEqual([404, 404, 404, 404, 404, 404]);
    const viaB = [];
    for (let i = 0; i < 4; i += 1) viaB.push(await get(b));
    expect(viaB.map((response) => response.statusCode)).toEqual([404, 404, 404, 404]);
    expect(viaB[3]!.headers['ratelimit-policy']).toBe('"default";q=10;w=60');
    expect(viaB[3]!.headers['ratelimit']).toMatch(/^"default";r=0;t=\d+$/);

    for (const replica of [a, b]) {
      const limited = await get(replica);
      expect(limited.statusCode).toBe(429);
      expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(limited.headers['content-type']).toContain('application/problem+json');
      expect(limited.json()).toMatchObject({ status: 429, code: 'rate_limited' });
    }
    // Another client is untouched on both.
    expect((await get(a, '198.51.100.21')).statusCode).toBe(404);
  });
});

describe.skipIf(skip)('a gateway whose Redis stops', () => {
  it('`open` keeps limiting per replica and counts the backend errors', async () => {
    const redis = await startRedisServer();
    const replica = await startReplica(redis.url, 'open', 3);
    expect(await statuses(replica, 1)).toEqual([404]);
    await redis.stop();
    expect(await statuses(replica, 4)).toEqual([404, 404, 404, 429]);
    const metric = await replica.registry.getSingleMetric(metricCatalogue.gateway.rateLimitBackendErrors.name)?.get();
    expect(metric?.values.find((value) => value.labels['failure'] === 'open')?.value).toBe(4);
  });

  it('`closed` answers 503 `unavailable` problems', async () => {
    const redis = await startRedisServer();
    const replica = await startReplica(redis.url, 'closed', 3);
    await redis.stop();
    const refused = await get(replica);
    expect(refused.statusCode).toBe(503);
    expect(refused.headers['content-type']).toContain('application/problem+json');
    expect(refused.json()).toMatchObject({ status: 503, code: 'unavailable', trace_id: expect.any(String) });
  });
});

describe.skipIf(skip)('the gateway process with REDIS_URL', () => {
  let redis: RedisServer;
  let database: TestDatabase;
  beforeAll(async () => {
    [redis, database] = await Promise.all([startRedisServer(), createTestDatabase()]);
  });
  afterAll(async () => {
    await Promise.all([redis?.stop(), database?.drop()]);
  });

  const start = (redisUrl: string) =>
    startServiceProcess({
      main: gatewayMain,
      cwd: repositoryRoot,
      env: {
        NODE_ENV: 'test',
        LOG_LEVEL: 'info',
        HTTP_HOST: '127.0.0.1',
        HTTP_PORT: '0',
        // No auth here: its check fails either way; these tests read the redis check.
        AUTH_GRPC_ADDR: '127.0.0.1:1',
        DATABASE_URL: database.appUrl,
        REDIS_URL: redisUrl,
      },
    });

  async function redisCheck(opsUrl: string): Promise<unknown> {
    const body = (await (await fetch(`${opsUrl}/ready`)).json()) as { checks: Record<string, unknown> };
    return body.checks['redis'];
  }

  it('reports the redis readiness check ok when Redis answers', async () => {
    const gateway = await start(redis.url);
    try {
      expect(await redisCheck(gateway.opsUrl)).toBe('ok');
    } finally {
      await gateway.stop();
    }
  });

  it('is not ready with a wrong REDIS_URL, and never logs its password', async () => {
    const gateway = await start(`redis://:hunter2-not-logged@127.0.0.1:${await findFreePort()}`);
    try {
      const ready = await fetch(`${gateway.opsUrl}/ready`);
      expect(ready.status).toBe(503);
      expect(((await ready.json()) as { checks: Record<string, unknown> }).checks['redis']).toBe('failing');
    } finally {
      await gateway.stop();
    }
    expect(JSON.stringify(gateway.lines)).not.toContain('hunter2-not-logged');
  });
});
