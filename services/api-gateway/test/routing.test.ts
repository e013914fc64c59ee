import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, signIn, startGatewayBackend, type GatewayBackend } from './support/backend.js';

let backend: GatewayBackend;
let app: FastifyInstance;
let ownerToken: string;

beforeAll(async () => {
  backend = await startGatewayBackend();
  await backend.seedMember('owner@gateway.test', 'owner');
  app = await backend.buildGateway();
  ownerToken = await signIn(app, 'owner@gateway.test');
});

afterAll(async () => {
  await backend?.close();
});

describe('routes built from the HTTP rules', () => {
  it('routes POST /v1/auth/exchange (public, body "*") and answers snake_case JSON', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/v1/auth/exchange',
      payload: { subject_token: 'dev:owner@gateway.test' },
    });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('application/json; charset=utf-8');
    const body = response.json() as Record<string, unknown>;
    expect(body).toMatchObject({ token_type: 'bearer', workspace_id: backend.workspaceId });
    expect(typeof body['access_token']).toBe('string');
    expect(typeof body['refresh_token']).toBe('string');
    expect(body['expires_in']).toBeGreaterThan(0);
    expect(Object.keys(body).every((key) => /^[a-z_]+$/.test(key))).toBe(true);
  });

  it('accepts the lowerCamel JSON names too, as proto JSON does', async () => {
    const response = await app.inject({ method: 'POST', url: '/v1/auth/exchange', payload: { subjectToken: 'dev:owner@gateway.test' } });
    expect(response.statusCode).toBe(200);
  });

  it('refuses an unknown body field with a 400 problem', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/v1/auth/exchange',
      payload: { subject_token: 'dev:owner@gateway.test', workspace: 'x' },
    });
    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.json()).toMatchObject({ status: 400, code: 'invalid_argument' });
    expect((response.json() as { detail: string }).detail).toContain('workspace');
  });

  it('refuses a body that is not a JSON object, and malformed JSON', async () => {
    const array = await app.inject({ method: 'POST', url: '/v1/auth/exchange', payload: [1, 2] });
    expect(array.statusCode).toBe(400);
    const malformed = await app.inject({
      method: 'POST',
      url: '/v1/auth/exchange',
      headers: { 'content-type': 'application/json' },
      payload: '{"subject_token":',
    });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json()).toMatchObject({ code: 'invalid_argument', status: 400 });
  });

  it('maps the backend error to HTTP: a user without membership is a 403 problem', async () => {
    const response = await app.inject({ method: 'POST', url: '/v1/auth/exchange', payload: { subject_token: 'dev:nobody@gateway.test' } });
    expect(response.statusCode).toBe(403);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  });

  it('binds path parameters: DELETE /v1/api-tokens/{token_id} revokes that token', async () => {
    const created = await app.inject({
      method: 'POST',
      url: '/v1/api-tokens',
      headers: bearer(ownerToken),
      payload: { name: 'to revoke', scopes: ['tokens:read'] },
    });
    expect(created.statusCode).toBe(200);
    const { token } = created.json() as { token: { id: string; revoked_at?: string } };
    expect(token.revoked_at).toBeUndefined();

    const revoked = await app.inject({ method: 'DELETE', url: `/v1/api-tokens/${token.id}`, headers: bearer(ownerToken) });
    expect(revoked.statusCode).toBe(200);
    const body = revoked.json() as { token: { id: string; revoked_at: string } };
    expect(body.token.id).toBe(token.id);
    expect(Date.parse(body.token.revoked_at)).not.toBeNaN();

    const unknown = await app.inject({
      method: 'DELETE',
      url: '/v1/api-tokens/0190a1b2-c3d4-7e5f-8a6b-7c8d9e0f1a2b',
      headers: bearer(ownerToken),
    });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toMatchObject({ code: 'not_found' });
  });

  it('binds query parameters, with limit/cursor as the page shorthand, and writes implicit defaults', async () => {
    const response = await app.inject({ method: 'GET', url: '/v1/api-tokens?limit=1', headers: bearer(ownerToken) });
    expect(response.statusCode).toBe(200);
    const body = response.json() as { data: unknown[]; page: { has_more: boolean; next_cursor: string } };
    expect(body.data.length).toBeLessThanOrEqual(1);
    expect(typeof body.page.has_more).toBe('boolean');

    const unknown = await app.inject({ method: 'GET', url: '/v1/api-tokens?colour=red', headers: bearer(ownerToken) });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json()).toMatchObject({ code: 'invalid_argument' });
  });

  it('does not route RPCs without a rule, and answers unknown routes with a 404 problem', async () => {
    for (const url of ['/causeloop.auth.v1.AuthService/Authenticate', '/v1/auth/authenticate', '/nothing/here']) {
      const response = await app.inject({ method: 'POST', url, payload: { token: 'x' } });
      expect(response.statusCode).toBe(404);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(response.json()).toMatchObject({ status: 404, code: 'not_found', title: 'Not found' });
    }
    const wrongMethod = await app.inject({ method: 'PUT', url: '/v1/auth/exchange' });
    expect(wrongMethod.statusCode).toBe(404);
  });
});
