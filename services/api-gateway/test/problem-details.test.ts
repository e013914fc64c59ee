import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGatewayBackend, type GatewayBackend } from './support/backend.js';

let backend: GatewayBackend;
let app: FastifyInstance;

beforeAll(async () => {
  backend = await startGatewayBackend();
  await backend.seedMember('owner@gateway.test', 'owner');
  app = await backend.buildGateway({ app: { bodyLimitBytes: 2_048 } });
});

afterAll(async () => {
  await backend?.close();
});

function expectEdgeHeaders(response: LightMyRequestResponse): void {
  expect(response.headers['x-request-id']).toMatch(/^[A-Za-z0-9._:-]{1,128}$/);
  expect(response.headers['cache-control']).toBe('no-store');
  expect(response.headers['x-content-type-options']).toBe('nosniff');
  expect(response.headers['x-frame-options']).toBe('DENY');
  expect(response.headers['server']).toBeUndefined();
  expect(response.headers['x-powered-by']).toBeUndefined();
}

function expectProblem(response: LightMyRequestResponse, status: number, code: string): void {
  expect(response.statusCode).toBe(status);
  expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  const problem = response.json() as Record<string, unknown>;
  expect(problem).toMatchObject({ type: `https://causeloop.dev/problems/${code}`, status, code });
  expect(typeof problem['title']).toBe('string');
  expect(typeof problem['detail']).toBe('string');
  expect(problem['trace_id']).toMatch(/^[\da-f]{32}$/);
  expectEdgeHeaders(response);
}

describe('problem details and edge headers', () => {
  it('puts the security headers on successes, errors, 404s and the docs', async () => {
    const ok = await app.inject({ method: 'POST', url: '/v1/auth/exchange', payload: { subject_token: 'dev:owner@gateway.test' } });
    expect(ok.statusCode).toBe(200);
    expectEdgeHeaders(ok);
    expectEdgeHeaders(await app.inject({ method: 'GET', url: '/openapi.json' }));
    expectEdgeHeaders(await app.inject({ method: 'GET', url: '/docs' }));
    expectProblem(await app.inject({ method: 'GET', url: '/v1/nope' }), 404, 'not_found');
    expectProblem(await app.inject({ method: 'GET', url: '/v1/api-tokens' }), 401, 'unauthenticated');
  });

  it('answers an oversized body with 413 problem', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/v1/auth/exchange',
      payload: { subject_token: `dev:${'x'.repeat(4_096)}` },
    });
    expectProblem(response, 413, 'payload_too_large');
  });

  it('answers malformed JSON and an unsupported content type with 400 and 415 problems', async () => {
    expectProblem(
      await app.inject({ method: 'POST', url: '/v1/auth/exchange', headers: { 'content-type': 'application/json' }, payload: '{' }),
      400,
      'invalid_argument',
    );
    expectProblem(
      await app.inject({ method: 'POST', url: '/v1/auth/exchange', headers: { 'content-type': 'text/plain' }, payload: 'hi' }),
      415,
      'unsupported_media_type',
    );
  });

  it('maps a backend refusal through the catalogue, keeping its exact code (user without membership → 403)', async () => {
    const response = await app.inject({ method: 'POST', url: '/v1/auth/exchange', payload: { subject_token: 'dev:nobody@gateway.test' } });
    expectProblem(response, 403, 'permission_denied');
    expect(response.json()).toMatchObject({ title: 'Permission denied' });
  });

  it('keeps a well-formed X-Request-Id, forwards it to the backend, and replaces a malformed one', async () => {
    const given = await app.inject({
      method: 'POST',
      url: '/v1/auth/exchange',
      headers: { 'x-request-id': 'client-chosen-42' },
      payload: { subject_token: 'dev:owner@gateway.test' },
    });
    expect(given.headers['x-request-id']).toBe('client-chosen-42');
    expect(backend.calls.at(-1)?.metadata['x-request-id']).toBe('client-chosen-42');

    const malformed = await app.inject({ method: 'GET', url: '/v1/nope', headers: { 'x-request-id': 'bad id\twith spaces' } });
    expect(malformed.headers['x-request-id']).not.toContain(' ');
    expect(malformed.headers['x-request-id']).toMatch(/^[\da-f-]{36}$/);
  });

  it('quotes the caller trace id from traceparent', async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const response = await app.inject({ method: 'GET', url: '/v1/nope', headers: { traceparent: `00-${traceId}-00f067aa0ba902b7-01` } });
    expect(response.json()).toMatchObject({ trace_id: traceId });
  });

  it('never echoes the bearer token in a problem', async () => {
    const response = await app.inject({
      method: 'GET',
      url: '/v1/api-tokens/scopes',
      headers: { authorization: 'Bearer clp_pat_secretsecretsecretsecretsecret00' },
    });
    expectProblem(response, 401, 'unauthenticated');
    expect(response.body).not.toContain('secretsecret');
  });
});
