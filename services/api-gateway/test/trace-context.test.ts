import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, signIn, startGatewayBackend, type GatewayBackend } from './support/backend.js';

// Without a tracer running in the gateway (with one, it injects its own span's context),
// the backend must still join the request's trace: its audit entries record the trace id.

let backend: GatewayBackend;
let app: FastifyInstance;
let token: string;
const callerTrace = '4bf92f3577b34da6a3ce929d0e0e4736';
const traceIdOf = (traceparent: string | undefined) => /^00-([\da-f]{32})-[\da-f]{16}-01$/.exec(traceparent ?? '')?.[1];

beforeAll(async () => {
  backend = await startGatewayBackend();
  await backend.seedMember('owner@trace.test', 'owner');
  app = await backend.buildGateway();
  token = await signIn(app, 'owner@trace.test');
});

afterAll(async () => {
  await backend?.close();
});

describe('trace context from the gateway to the backends', () => {
  it('forwards the caller’s trace', async () => {
    const response = await app.inject({
      method: 'GET',
      url: '/v1/api-tokens',
      headers: { ...bearer(token), traceparent: `00-${callerTrace}-00f067aa0ba902b7-01` },
    });
    expect(response.statusCode).toBe(200);
    expect(traceIdOf(backend.calls.at(-1)?.metadata['traceparent'])).toBe(callerTrace);
  });

  it('starts one for a request that brings none, the same the problem answer names', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/v1/api-tokens',
      headers: bearer(token),
      payload: { name: 'beyond', scopes: ['no-such:scope'] },
    });
    expect(response.statusCode).toBe(403);
    const forwarded = traceIdOf(backend.calls.at(-1)?.metadata['traceparent']);
    expect(forwarded).toMatch(/^[\da-f]{32}$/);
    expect(response.json()).toMatchObject({ trace_id: forwarded });
  });
});
