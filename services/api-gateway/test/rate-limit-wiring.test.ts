import { AuthService } from '@causeloop/proto/causeloop/auth/v1/auth_pb.js';
import { createMetricsRegistry } from '@causeloop/platform/metrics';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import type { FrontedService } from '../src/fronted-service.js';
import { createMemoryRateLimiter } from '../src/rate-limit/index.js';

// The limiter as the app wires it: before routing, answered as the gateway's problems.
const unreachable: FrontedService['call'] = () => Promise.reject(new Error('not called'));
const authenticator = { authenticate: () => Promise.reject(new Error('not called')) };

describe('rate limiting in the app', () => {
  it('answers past the client limit with a 429 problem, headers, and no route work', async () => {
    const app = await buildApp({
      services: [{ service: AuthService, call: unreachable }],
      authenticator,
      registry: createMetricsRegistry({ service: 'api-gateway-test' }),
      rateLimit: {
        limiter: createMemoryRateLimiter(),
        clientPolicy: { name: 'default', limit: 2, windowSeconds: 60 },
      },
    });
    try {
      const first = await app.inject({ method: 'GET', url: '/v1/nowhere' });
      expect(first.statusCode).toBe(404);
      expect(first.headers['ratelimit-policy']).toBe('"default";q=2;w=60');
      expect(first.headers['ratelimit']).toMatch(/^"default";r=1;t=\d+$/);
      await app.inject({ method: 'GET', url: '/v1/nowhere' });
      const limited = await app.inject({ method: 'GET', url: '/v1/api-tokens/scopes' });
      expect(limited.statusCode).toBe(429);
      expect(limited.headers['content-type']).toContain('application/problem+json');
      expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(limited.headers['x-request-id']).toBeDefined();
      expect(limited.json()).toMatchObject({ status: 429, code: 'rate_limited', trace_id: expect.any(String) });
    } finally {
      await app.close();
    }
  });
});
