import { createMetricsRegistry } from '@causeloop/platform/metrics';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createClientAddressResolver,
  createMemoryRateLimiter,
  limitPrincipal,
  registerRateLimit,
  type RateLimitOptions,
} from '../../src/rate-limit/index.js';

const apps: FastifyInstance[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
});

/** A stand-in for the gateway: the plugin, a route, and a "core" that authenticates by header. */
function buildApp(options: Partial<RateLimitOptions> & { trustedProxies?: string[] } = {}) {
  let now = 5_000_000;
  const registry = createMetricsRegistry({ service: 'api-gateway' });
  const { trustedProxies = [], ...rest } = options;
  const app = Fastify();
  registerRateLimit(app, {
    limiter: createMemoryRateLimiter({ clock: () => now }),
    registry,
    clientPolicy: { name: 'default', limit: 3, windowSeconds: 60 },
    resolveClientAddress: createClientAddressResolver({ trustedProxies }),
    ...rest,
  });
  app.get('/things', async () => ({ ok: true }));
  app.get('/tight', async () => ({ ok: true }));
  app.get('/me', {
    preHandler: async (request, reply) => {
      const principal = request.headers['x-principal'];
      if (typeof principal !== 'string') return reply.code(401).send();
      if (!(await limitPrincipal(request, reply, principal))) return reply;
      return undefined;
    },
    handler: async () => ({ ok: true }),
  });
  apps.push(app);
  const rateLimited = async (policy: string): Promise<number> => {
    const metric = await registry.getSingleMetric('causeloop_gateway_rate_limited_total')?.get();
    return metric?.values.find((value) => value.labels['policy'] === policy)?.value ?? 0;
  };
  return { app, advance: (ms: number) => (now += ms), rateLimited };
}

function get(app: FastifyInstance, url: string, remoteAddress = '198.51.100.9', headers: Record<string, string> = {}) {
  return app.inject({ method: 'GET', url, remoteAddress, headers });
}

async function statuses(count: number, request: (i: number) => ReturnType<typeof get>): Promise<number[]> {
  const codes: number[] = [];
  for (let i = 0; i < count; i += 1) codes.push((await request(i)).statusCode);
  return codes;
}

describe('gateway rate limiting', () => {
  it('answers with the IETF RateLimit-Policy and RateLimit fields', async () => {
    const { app } = buildApp();
    const first = await get(app, '/things');
    expect(first.statusCode).toBe(200);
    expect(first.headers['ratelimit-policy']).toBe('"default";q=3;w=60');
    expect(first.headers['ratelimit']).toBe('"default";r=2;t=20');
    const second = await get(app, '/things');
    expect(second.headers['ratelimit']).toBe('"default";r=1;t=40');
    expect(second.headers['retry-after']).toBeUndefined();
  });

  it('answers 429 problem+json with Retry-After once the quota is spent, and counts it', async () => {
    const { app, advance, rateLimited } = buildApp();
    expect(await statuses(3, () => get(app, '/things'))).toEqual([200, 200, 200]);
    advance(5_000);
    const denied = await get(app, '/things');
    expect(denied.statusCode).toBe(429);
    expect(denied.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(denied.headers['retry-after']).toBe('15');
    expect(denied.headers['ratelimit-policy']).toBe('"default";q=3;w=60');
    expect(denied.headers['ratelimit']).toBe('"default";r=0;t=55');
    expect(denied.json()).toEqual({
      type: 'https://causeloop.dev/problems/rate_limited',
      title: 'Too many requests',
      status: 429,
      detail: 'Rate limit "default" of 3 requests per 60 s exceeded; retry in 15 s.',
      code: 'rate_limited',
    });
    expect(await rateLimited('default')).toBe(1);
  });

  it('lets the client in again once a token has refilled', async () => {
    const { app, advance } = buildApp();
    await statuses(3, () => get(app, '/things'));
    advance(19_999);
    expect((await get(app, '/things')).statusCode).toBe(429);
    advance(1);
    expect((await get(app, '/things')).statusCode).toBe(200);
    expect((await get(app, '/things')).statusCode).toBe(429);
  });

  it('limits unknown routes too (deny by default still costs a token)', async () => {
    const { app } = buildApp();
    expect(await statuses(4, () => get(app, '/nope'))).toEqual([404, 404, 404, 429]);
  });

  it('keeps client addresses apart', async () => {
    const { app } = buildApp();
    expect(await statuses(4, () => get(app, '/things', '198.51.100.1'))).toEqual([200, 200, 200, 429]);
    expect((await get(app, '/things', '198.51.100.2')).statusCode).toBe(200);
  });

  it('puts IPv6 clients of one /64 in one bucket and another /64 in its own', async () => {
    const { app } = buildApp();
    const sameSubnet = await statuses(4, (i) => get(app, '/things', `2001:db8:1:2::${(i + 1).toString(16)}`));
    expect(sameSubnet).toEqual([200, 200, 200, 429]);
    expect((await get(app, '/things', '2001:db8:1:2:ffff:ffff:ffff:ffff')).statusCode).toBe(429);
    expect((await get(app, '/things', '2001:db8:1:3::1')).statusCode).toBe(200);
  });

  it('ignores X-Forwarded-For from an untrusted peer: rotating it mints no fresh bucket', async () => {
    const { app } = buildApp({ trustedProxies: ['10.0.0.0/8'] });
    const codes = await statuses(10, (i) => get(app, '/things', '198.51.100.9', { 'x-forwarded-for': `203.0.113.${i}` }));
    expect(codes).toEqual([200, 200, 200, 429, 429, 429, 429, 429, 429, 429]);
  });

  it('behind a trusted proxy, limits by the right-most untrusted hop', async () => {
    const { app } = buildApp({ trustedProxies: ['10.0.0.0/8'] });
    // The client rotates what it writes itself; the proxy appends the real peer.
    const codes = await statuses(4, (i) => get(app, '/things', '10.0.0.1', { 'x-forwarded-for': `1.1.1.${i}, 203.0.113.7` }));
    expect(codes).toEqual([200, 200, 200, 429]);
    // Another client behind the same proxy has its own bucket.
    expect((await get(app, '/things', '10.0.0.1', { 'x-forwarded-for': '203.0.113.8' })).statusCode).toBe(200);
  });

  it('applies the principal policy when the core calls limitPrincipal', async () => {
    const { app, rateLimited } = buildApp({
      clientPolicy: { name: 'default', limit: 100, windowSeconds: 60 },
      principalPolicy: { name: 'principal', limit: 2, windowSeconds: 60 },
    });
    const first = await get(app, '/me', '198.51.100.1', { 'x-principal': 'user-1' });
    expect(first.statusCode).toBe(200);
    expect(first.headers['ratelimit-policy']).toBe('"default";q=100;w=60, "principal";q=2;w=60');
    expect(first.headers['ratelimit']).toBe('"default";r=99;t=1, "principal";r=1;t=30');
    // The principal's quota follows it across addresses.
    expect((await get(app, '/me', '198.51.100.2', { 'x-principal': 'user-1' })).statusCode).toBe(200);
    const denied = await get(app, '/me', '198.51.100.3', { 'x-principal': 'user-1' });
    expect(denied.statusCode).toBe(429);
    expect(denied.headers['retry-after']).toBe('30');
    expect(denied.json()).toMatchObject({ code: 'rate_limited', detail: expect.stringContaining('"principal"') });
    expect((await get(app, '/me', '198.51.100.3', { 'x-principal': 'user-2' })).statusCode).toBe(200);
    expect(await rateLimited('principal')).toBe(1);
  });

  it('a route policy replaces the default for that route only', async () => {
    const { app } = buildApp({ routePolicies: { '/tight': { name: 'tight', limit: 1, windowSeconds: 10 } } });
    const first = await get(app, '/tight');
    expect(first.headers['ratelimit-policy']).toBe('"tight";q=1;w=10');
    expect(first.headers['ratelimit']).toBe('"tight";r=0;t=10');
    const denied = await get(app, '/tight');
    expect(denied.statusCode).toBe(429);
    expect(denied.headers['retry-after']).toBe('10');
    expect(await statuses(3, () => get(app, '/things'))).toEqual([200, 200, 200]);
  });

  it('refuses invalid or conflicting policies at registration', () => {
    expect(() => buildApp({ clientPolicy: { name: 'default', limit: -1, windowSeconds: 60 } })).toThrow(/limit must be a positive integer/);
    expect(() => buildApp({ routePolicies: { '/tight': { name: 'default', limit: 1, windowSeconds: 60 } } })).toThrow(
      /two rate-limit policies are named "default"/,
    );
  });
});
