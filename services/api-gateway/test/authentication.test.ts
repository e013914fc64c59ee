import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, signIn, startGatewayBackend, type GatewayBackend } from './support/backend.js';

let backend: GatewayBackend;
let app: FastifyInstance;
let ownerToken: string;
let viewerToken: string;

beforeAll(async () => {
  backend = await startGatewayBackend();
  await backend.seedMember('owner@gateway.test', 'owner');
  await backend.seedMember('viewer@gateway.test', 'viewer');
  app = await backend.buildGateway();
  ownerToken = await signIn(app, 'owner@gateway.test');
  viewerToken = await signIn(app, 'viewer@gateway.test');
});

afterAll(async () => {
  await backend?.close();
});

describe('authentication and scopes', () => {
  it('answers a scoped route without a token with 401 problem and WWW-Authenticate: Bearer', async () => {
    const before = backend.calls.length;
    for (const headers of [{}, { authorization: 'Basic dXNlcjpwYXNz' }, { authorization: 'Bearer' }]) {
      const response = await app.inject({ method: 'GET', url: '/v1/api-tokens/scopes', headers });
      expect(response.statusCode).toBe(401);
      expect(response.headers['www-authenticate']).toMatch(/^Bearer/);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(response.json()).toMatchObject({ status: 401, code: 'unauthenticated' });
    }
    expect(backend.calls.length).toBe(before);
  });

  it('answers an invalid token with 401 and error="invalid_token"', async () => {
    const response = await app.inject({ method: 'GET', url: '/v1/api-tokens/scopes', headers: bearer('clp_pat_notarealtoken') });
    expect(response.statusCode).toBe(401);
    expect(response.headers['www-authenticate']).toBe('Bearer error="invalid_token"');
    expect(response.body).not.toContain('clp_pat_notarealtoken');
  });

  it('serves a scoped route with a valid token, forwarding the assertion and never the token', async () => {
    const response = await app.inject({ method: 'GET', url: '/v1/api-tokens/scopes', headers: bearer(ownerToken) });
    expect(response.statusCode).toBe(200);
    const { scopes } = response.json() as { scopes: { name: string; roles: string[] }[] };
    expect(scopes.map((s) => s.name)).toContain('tokens:write');
    const call = backend.calls.at(-1);
    expect(call?.method).toBe('ListScopes');
    expect(call?.metadata['x-causeloop-principal']).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(call?.metadata['authorization']).toBeUndefined();
    expect(JSON.stringify(call?.metadata)).not.toContain(ownerToken);
  });

  it('refuses a viewer on a tokens:write route with 403 insufficient_scope, before any backend call', async () => {
    const callsBefore = backend.calls.length;
    const servedBefore = await backend.servedCalls('CreatePersonalAccessToken');
    const response = await app.inject({
      method: 'POST',
      url: '/v1/api-tokens',
      headers: bearer(viewerToken),
      payload: { name: 'nope', scopes: ['tokens:read'] },
    });
    expect(response.statusCode).toBe(403);
    expect(response.json()).toMatchObject({ status: 403, code: 'insufficient_scope', title: 'Insufficient scope' });
    expect(backend.calls.length).toBe(callsBefore);
    expect(await backend.servedCalls('CreatePersonalAccessToken')).toBe(servedBefore);
    // The same viewer may read.
    const read = await app.inject({ method: 'GET', url: '/v1/api-tokens', headers: bearer(viewerToken) });
    expect(read.statusCode).toBe(200);
  });

  it('caches answers: repeated and concurrent requests with one token call Authenticate once', async () => {
    const fresh = await backend.buildGateway(); // an empty cache
    const before = await backend.servedCalls('Authenticate');
    const responses = await Promise.all(
      Array.from({ length: 10 }, () => fresh.inject({ method: 'GET', url: '/v1/api-tokens/scopes', headers: bearer(ownerToken) })),
    );
    expect(responses.map((r) => r.statusCode)).toEqual(Array(10).fill(200));
    const again = await fresh.inject({ method: 'GET', url: '/v1/api-tokens', headers: bearer(ownerToken) });
    expect(again.statusCode).toBe(200);
    expect(await backend.servedCalls('Authenticate')).toBe(before + 1);
  });

  it('caches refusals briefly: a bad token twice costs one Authenticate', async () => {
    const fresh = await backend.buildGateway();
    const before = await backend.servedCalls('Authenticate');
    for (let i = 0; i < 3; i++) {
      const response = await fresh.inject({ method: 'GET', url: '/v1/api-tokens/scopes', headers: bearer('clp_sa_forgedforgedforged') });
      expect(response.statusCode).toBe(401);
    }
    expect(await backend.servedCalls('Authenticate')).toBe(before + 1);
  });

  it('keeps a revoked token usable at most until the cache bound, then refuses it', async () => {
    // The bound is 30 s in production (maxTtlMs); 1.5 s here to observe it.
    const fresh = await backend.buildGateway({ cache: { maxTtlMs: 1_500 } });
    const created = await fresh.inject({
      method: 'POST',
      url: '/v1/api-tokens',
      headers: bearer(ownerToken),
      payload: { name: 'revoked soon', scopes: ['tokens:read'] },
    });
    expect(created.statusCode).toBe(200);
    const { token, secret } = created.json() as { token: { id: string }; secret: string };
    expect(secret).toMatch(/^clp_pat_/);

    expect((await fresh.inject({ method: 'GET', url: '/v1/api-tokens/scopes', headers: bearer(secret) })).statusCode).toBe(200);
    const revoked = await fresh.inject({ method: 'DELETE', url: `/v1/api-tokens/${token.id}`, headers: bearer(ownerToken) });
    expect(revoked.statusCode).toBe(200);
    // Still cached: the documented window.
    expect((await fresh.inject({ method: 'GET', url: '/v1/api-tokens/scopes', headers: bearer(secret) })).statusCode).toBe(200);
    await sleep(1_700);
    const after = await fresh.inject({ method: 'GET', url: '/v1/api-tokens/scopes', headers: bearer(secret) });
    expect(after.statusCode).toBe(401);
  });

  it('lets a personal access token act only within its own scopes', async () => {
    const created = await app.inject({
      method: 'POST',
      url: '/v1/api-tokens',
      headers: bearer(ownerToken),
      payload: { name: 'read only', scopes: ['tokens:read'] },
    });
    const { secret } = created.json() as { secret: string };
    const write = await app.inject({ method: 'POST', url: '/v1/service-accounts', headers: bearer(secret), payload: { name: 'bot', role: 'ROLE_VIEWER' } });
    expect(write.statusCode).toBe(403);
    expect(write.json()).toMatchObject({ code: 'insufficient_scope' });
  });
});
