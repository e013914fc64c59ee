import { AuthService } from '@causeloop/proto/causeloop/auth/v1/auth_pb.js';
import { describe, expect, it } from 'vitest';
import { createMetricsRegistry } from '@causeloop/platform/metrics';
import { buildApp } from '../src/app.js';
import { createMemoryRateLimiter } from '../src/rate-limit/index.js';
import type { FrontedService } from '../src/fronted-service.js';

// Start-up checks of the rules: no backend is called, so the call function refuses.
const unreachable: FrontedService['call'] = () => Promise.reject(new Error('not called'));
const authenticator = { authenticate: () => Promise.reject(new Error('not called')) };
const rateLimit = { limiter: createMemoryRateLimiter() };
const registry = createMetricsRegistry({ service: 'api-gateway-test' });

describe('HTTP rules at start', () => {
  it('refuses to start when two rules collide, naming both', async () => {
    const twice = [
      { service: AuthService, call: unreachable },
      { service: AuthService, call: unreachable },
    ];
    await expect(buildApp({ services: twice, authenticator, rateLimit, registry })).rejects.toThrow(
      /AuthService\.ExchangeToken: POST \/v1\/auth\/exchange collides with causeloop\.auth\.v1\.AuthService\.ExchangeToken/,
    );
  });

  it('starts with the auth service alone', async () => {
    const app = await buildApp({ services: [{ service: AuthService, call: unreachable }], authenticator, rateLimit, registry });
    expect(app.hasRoute({ method: 'DELETE', url: '/v1/api-tokens/:token_id' })).toBe(true);
    expect(app.hasRoute({ method: 'POST', url: '/v1/auth/exchange' })).toBe(true);
    await app.close();
  });
});
