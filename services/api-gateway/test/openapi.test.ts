import { getOption, hasOption } from '@bufbuild/protobuf';
import { AuthService } from '@causeloop/proto/causeloop/auth/v1/auth_pb.js';
import { http } from '@causeloop/proto/causeloop/common/v1/http_pb.js';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OpenApiDocument } from '../src/openapi/build-openapi.js';
import { startGatewayBackend, type GatewayBackend } from './support/backend.js';

let backend: GatewayBackend;
let app: FastifyInstance;
let document: OpenApiDocument;

beforeAll(async () => {
  backend = await startGatewayBackend();
  app = await backend.buildGateway();
  document = (await app.inject({ method: 'GET', url: '/openapi.json' })).json() as OpenApiDocument;
});

afterAll(async () => {
  await backend?.close();
});

const routed = AuthService.methods.filter((method) => hasOption(method, http));

describe('OpenAPI from the same descriptors', () => {
  it('is OpenAPI 3.1 and lists every routed RPC, with its method, path and scope, and nothing else', () => {
    expect(document.openapi).toBe('3.1.0');
    expect(routed.length).toBeGreaterThan(5);
    const operations = Object.entries(document.paths).flatMap(([path, byMethod]) =>
      Object.entries(byMethod).map(([method, operation]) => ({ path, method, operation })),
    );
    expect(operations).toHaveLength(routed.length);
    for (const method of routed) {
      const rule = getOption(method, http);
      const operation = document.paths[rule.path]?.[rule.method.toLowerCase()];
      expect(operation, `${method.name}`).toBeDefined();
      expect(operation?.operationId).toBe(`AuthService_${method.name}`);
      expect(operation?.security).toEqual(rule.scope === '' ? [] : [{ bearer: [rule.scope] }]);
    }
    expect(JSON.stringify(document)).not.toContain('Authenticate');
  });

  it('describes path and query parameters and snake_case schemas', () => {
    const revoke = document.paths['/v1/api-tokens/{token_id}']?.['delete'];
    expect(revoke?.parameters).toContainEqual(expect.objectContaining({ name: 'token_id', in: 'path', required: true }));
    const list = document.paths['/v1/api-tokens']?.['get'];
    expect(list?.parameters.map((p) => p['name'])).toEqual(['limit', 'cursor']);
    const exchange = document.components.schemas['causeloop.auth.v1.ExchangeTokenResponse'] as { properties: Record<string, unknown> };
    expect(Object.keys(exchange.properties)).toEqual(['access_token', 'refresh_token', 'token_type', 'expires_in', 'scope', 'workspace_id']);
    const apiToken = document.components.schemas['causeloop.auth.v1.ApiToken'] as { properties: Record<string, unknown> };
    expect(apiToken.properties['created_at']).toEqual({ type: 'string', format: 'date-time' });
    // Path fields are not repeated in a "*" body.
    const rotate = document.paths['/v1/api-tokens/{token_id}/rotate']?.['post'];
    expect(JSON.stringify(rotate?.requestBody)).not.toContain('token_id');
  });

  it('serves a docs page listing the operations', async () => {
    const response = await app.inject({ method: 'GET', url: '/docs' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/html/);
    for (const method of routed) expect(response.body).toContain(getOption(method, http).path);
  });
});
