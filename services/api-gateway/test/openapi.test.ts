import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { getOption, hasOption } from '@bufbuild/protobuf';
import { createMetricsRegistry } from '@causeloop/platform/metrics';
import { AuthService } from '@causeloop/proto/causeloop/auth/v1/auth_pb.js';
import { http } from '@causeloop/proto/causeloop/common/v1/http_pb.js';
import { WorkspaceService } from '@causeloop/proto/causeloop/tenancy/v1/workspaces_pb.js';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import type { JsonSchema, OpenApiDocument, OpenApiOperation } from '../src/openapi/build-openapi.js';
import { createMemoryRateLimiter } from '../src/rate-limit/index.js';

// The document needs only the descriptors: nothing behind the gateway is called.
const unreachable = () => Promise.reject(new Error('not called'));

let app: FastifyInstance;
let document: OpenApiDocument;

beforeAll(async () => {
  app = await buildApp({
    services: [AuthService, WorkspaceService].map((service) => ({ service, call: unreachable })),
    authenticator: { authenticate: unreachable },
    registry: createMetricsRegistry({ service: 'api-gateway-test' }),
    rateLimit: { limiter: createMemoryRateLimiter() },
  });
  document = (await app.inject({ method: 'GET', url: '/openapi.json' })).json() as OpenApiDocument;
});

afterAll(async () => {
  await app?.close();
});

const routed = [...AuthService.methods, ...WorkspaceService.methods].filter((method) => hasOption(method, http));

function operation(path: string, method: string): OpenApiOperation {
  const found = document.paths[path]?.[method];
  if (found === undefined) throw new Error(`no ${method} ${path} in the document`);
  return found;
}

/** Follows one `#/components/...` reference. */
function resolve(schema: JsonSchema | undefined): JsonSchema | undefined {
  const ref = schema?.['$ref'];
  if (typeof ref !== 'string') return schema;
  const [, , kind, name] = ref.split('/');
  const components = document.components as Readonly<Record<string, Readonly<Record<string, JsonSchema>>>>;
  return components[kind ?? '']?.[name ?? ''];
}

describe('OpenAPI from the same descriptors', () => {
  it('is OpenAPI 3.1 and lists every routed RPC, with its method, path and scope, and nothing else', () => {
    expect(document.openapi).toBe('3.1.0');
    const operations = Object.values(document.paths).flatMap((byMethod) => Object.values(byMethod));
    expect(operations).toHaveLength(routed.length);
    for (const method of routed) {
      const rule = getOption(method, http);
      const found = operation(rule.path, rule.method.toLowerCase());
      expect(found.operationId, method.name).toBe(method.localName); // camelCase: createPersonalAccessToken
      expect(found.security).toEqual(rule.scope === '' ? [] : [{ bearer: [rule.scope] }]);
    }
    // Internal RPCs (no HTTP rule) are not operations.
    expect(operations.map((o) => o.operationId)).not.toEqual(expect.arrayContaining(['authenticate']));
  });

  it('describes path and query parameters and snake_case schemas', () => {
    const revoke = operation('/v1/api-tokens/{token_id}', 'delete');
    expect(revoke.parameters).toContainEqual(expect.objectContaining({ name: 'token_id', in: 'path', required: true }));
    const list = operation('/v1/api-tokens', 'get');
    expect(list.parameters.map((p) => p['name'])).toEqual(['limit', 'cursor']);
    const exchange = document.components.schemas['causeloop.auth.v1.ExchangeTokenResponse'] as { properties: Record<string, unknown> };
    expect(Object.keys(exchange.properties)).toEqual(['access_token', 'refresh_token', 'token_type', 'expires_in', 'scope', 'workspace_id']);
    const apiToken = document.components.schemas['causeloop.auth.v1.ApiToken'] as { properties: Record<string, unknown> };
    expect(apiToken.properties['created_at']).toEqual({ type: 'string', format: 'date-time' });
    // Path fields are not repeated in a "*" body.
    const rotate = operation('/v1/api-tokens/{token_id}/rotate', 'post');
    expect(JSON.stringify(rotate.requestBody)).not.toContain('token_id');
  });

  it('carries the constraints the protos declare: required fields, bounds and formats', () => {
    const limit = operation('/v1/api-tokens', 'get').parameters.find((p) => p['name'] === 'limit');
    expect(limit?.['schema']).toMatchObject({ type: 'integer', minimum: 1, maximum: 100 });
    const create = document.components.schemas['causeloop.auth.v1.CreatePersonalAccessTokenRequest'];
    expect(create?.['required']).toEqual(expect.arrayContaining(['name']));
    const workspaceId = operation('/v1/workspaces/{workspace_id}', 'get').parameters.find((p) => p['name'] === 'workspace_id');
    expect(workspaceId?.['schema']).toMatchObject({ format: 'uuid' });
  });

  it('reads as API documentation: servers, license, tags and summaries from the proto comments', async () => {
    expect(document.servers).toEqual([{ url: '/', description: expect.any(String) }]);
    const rootManifest = JSON.parse(await readFile(path.resolve(import.meta.dirname, '../../../package.json'), 'utf8')) as { license: string };
    expect(document.info.license.identifier).toBe(rootManifest.license);
    expect(document.info.description).toContain('problem+json');
    expect(document.tags).toEqual([
      { name: 'AuthService', description: expect.stringMatching(/^Turns credentials into principals/) },
      { name: 'WorkspaceService', description: expect.stringMatching(/^Reads and changes the caller's workspace/) },
    ]);
    const create = operation('/v1/api-tokens', 'post');
    // The comment reads "CreatePersonalAccessToken makes a token …; the secret is shown once.":
    // its first clause without the RPC's name is the summary, the whole of it the description.
    expect(create.summary).toBe('Makes a token for the calling user.');
    expect(create.description).toBe('Makes a token for the calling user; the secret is shown once.');
    expect(create.tags).toEqual(['AuthService']);
    const exchange = operation('/v1/auth/exchange', 'post');
    expect(exchange.summary).toMatch(/^Verifies an identity-provider JWT .*\.$/);
    const field = document.components.schemas['causeloop.auth.v1.CreatePersonalAccessTokenRequest'] as {
      properties: Record<string, JsonSchema>;
    };
    expect(field.properties['scopes']?.['description']).toBe("Must be a subset of the caller's own scopes.");
  });

  it('lists the error answers of each operation as problems, with rate-limit headers on every answer', () => {
    const statuses = (path: string, method: string) => Object.keys(operation(path, method).responses);
    // Scoped, with a body, an Idempotency-Key and no path id.
    expect(statuses('/v1/api-tokens', 'post')).toEqual(['200', '400', '401', '403', '409', '413', '415', '422', '429', 'default']);
    // Scoped, with an id in the path and no body.
    expect(statuses('/v1/api-tokens/{token_id}', 'delete')).toEqual(['200', '400', '401', '403', '404', '429', 'default']);
    // Public: no 401/403, and no Idempotency-Key (a key belongs to a principal).
    expect(statuses('/v1/auth/exchange', 'post')).toEqual(['200', '400', '413', '415', '429', 'default']);
    for (const byMethod of Object.values(document.paths)) {
      for (const found of Object.values(byMethod)) {
        for (const [status, response] of Object.entries(found.responses)) {
          const answer = resolve(response) as { headers: Record<string, JsonSchema>; content: Record<string, { schema: JsonSchema }> };
          expect(Object.keys(answer.headers), `${found.operationId} ${status}`).toEqual(
            expect.arrayContaining(['X-Request-Id', 'RateLimit', 'RateLimit-Policy']),
          );
          if (status === '200') continue;
          expect(answer.content['application/problem+json']?.schema, `${found.operationId} ${status}`).toEqual({ $ref: '#/components/schemas/Problem' });
        }
      }
    }
    const tooMany = resolve(operation('/v1/api-tokens', 'get').responses['429']) as { headers: Record<string, unknown> };
    expect(Object.keys(tooMany.headers)).toContain('Retry-After');
  });

  it('offers the Idempotency-Key header on the POST and PATCH operations that take one', () => {
    const keyed = (path: string, method: string) =>
      operation(path, method).parameters.some((p) => resolve(p)?.['name'] === 'Idempotency-Key');
    expect(keyed('/v1/api-tokens', 'post')).toBe(true);
    expect(keyed('/v1/workspaces/{workspace_id}', 'patch')).toBe(true);
    expect(keyed('/v1/api-tokens', 'get')).toBe(false);
    expect(keyed('/v1/auth/exchange', 'post')).toBe(false);
    const replayed = operation('/v1/api-tokens', 'post').responses['200'] as { headers: Record<string, unknown> };
    expect(Object.keys(replayed.headers)).toContain('Idempotency-Replayed');
  });
});

describe('the /docs page', () => {
  it('is served by the gateway with its script, under a Content-Security-Policy without unsafe-eval', async () => {
    const redirect = await app.inject({ method: 'GET', url: '/docs' });
    expect(redirect.statusCode).toBe(301);
    expect(redirect.headers.location).toBe('/docs/');
    const page = await app.inject({ method: 'GET', url: '/docs/' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.body).toContain('/openapi.json');
    const policy = String(page.headers['content-security-policy']);
    expect(policy).toMatch(/script-src 'self' 'sha256-[A-Za-z0-9+/=]+'/);
    expect(policy).toContain("connect-src 'self'");
    expect(policy).not.toContain('unsafe-eval');
    // Every script the page loads is the gateway's own.
    const sources = [...page.body.matchAll(/<script[^>]*\bsrc="([^"]+)"/g)].map(([, source]) => source ?? '');
    expect(sources.length).toBeGreaterThan(0);
    for (const source of sources) {
      expect(source).not.toMatch(/^(https?:)?\/\//);
      const script = await app.inject({ method: 'GET', url: new URL(source, 'http://gateway/docs/').pathname });
      expect(script.statusCode, source).toBe(200);
      expect(script.headers['content-type']).toMatch(/javascript/);
    }
  });
});
