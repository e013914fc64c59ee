import { create, type DescMessage, type DescService, type Message } from '@bufbuild/protobuf';
import { createGrpcCaller, type ServiceImpl } from '@causeloop/platform/grpc';
import { createMetricsRegistry } from '@causeloop/platform/metrics';
import { compileProtos, serveOnLoopback } from '@causeloop/platform/testing';
import type { FastifyInstance } from 'fastify';
import { afterAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.js';
import { frontService } from '../src/fronted-service.js';
import { createMemoryRateLimiter } from '../src/rate-limit/index.js';

// One proto, compiled twice: as it is, and with a single constraint added to one field.
// That one declaration must change all three things derived from it at once: the
// gateway's answer, the gRPC server's answer and the OpenAPI document.
const labelProto = (constraint: string) => `
syntax = "proto3";
package demo.v1;
import "causeloop/common/v1/access.proto";
import "causeloop/common/v1/http.proto";
import "causeloop/common/v1/validation.proto";

service LabelService {
  rpc CreateLabel(CreateLabelRequest) returns (Label) {
    option (causeloop.common.v1.access) = ACCESS_PUBLIC;
    option (causeloop.common.v1.http) = {method: "POST" path: "/v1/labels" body: "*"};
  }
}

message CreateLabelRequest {
  string colour = 1${constraint};
}

message Label {
  string colour = 1;
}
`;

type Impl = ServiceImpl<DescService>;

interface Views {
  readonly app: FastifyInstance;
  readonly input: DescMessage;
  callGrpc(request: Message): Promise<unknown>;
}

const closers: (() => Promise<void>)[] = [];

afterAll(async () => {
  for (const close of closers) await close();
});

/** The demo service served over gRPC, with a gateway in front of it, both from the same descriptors. */
async function viewsOf(constraint: string): Promise<Views> {
  const registry = await compileProtos({ 'demo/v1/labels.proto': labelProto(constraint) });
  const service = registry.getService('demo.v1.LabelService') as DescService;
  const input = registry.getMessage('demo.v1.CreateLabelRequest') as DescMessage;
  const server = await serveOnLoopback(
    // A descriptor compiled at run time has no generated types to check the handler against.
    (grpc) => grpc.addService(service, { createLabel: async (request: { colour: string }) => ({ colour: request.colour }) } as unknown as Impl),
    { registry: createMetricsRegistry({ service: 'labels' }) },
  );
  const client = createGrpcCaller(service, { address: server.address, defaultDeadlineMs: 5_000 });
  const app = await buildApp({
    services: [frontService(service, client)],
    authenticator: { authenticate: () => Promise.reject(new Error('public routes authenticate nobody')) },
    registry: createMetricsRegistry({ service: 'api-gateway-test' }),
    rateLimit: { limiter: createMemoryRateLimiter() },
  });
  closers.push(async () => {
    await app.close();
    client.close();
    await server.close();
  });
  const createLabel = service.methods.find((method) => method.name === 'CreateLabel')!;
  return { app, input, callGrpc: (request) => client.call(createLabel, request, (bytes) => bytes).then(() => 'OK', (error: unknown) => error) };
}

async function colourSchema(app: FastifyInstance): Promise<unknown> {
  const document = (await app.inject({ method: 'GET', url: '/openapi.json' })).json() as {
    paths: Record<string, Record<string, { requestBody: { content: { 'application/json': { schema: Record<string, unknown> } } } }>>;
    components: { schemas: Record<string, { properties: Record<string, unknown> }> };
  };
  const schema = document.paths['/v1/labels']!['post']!.requestBody.content['application/json'].schema;
  const ref = schema['$ref'];
  const body = typeof ref === 'string' ? document.components.schemas[ref.split('/').pop()!]! : (schema as { properties: Record<string, unknown> });
  return body.properties['colour'];
}

describe('one constraint declared in a proto', () => {
  it('changes the gateway answer, the gRPC answer and the OpenAPI document together', async () => {
    const before = await viewsOf('');
    const after = await viewsOf(' [(causeloop.common.v1.field).string.pattern = "^#[0-9a-f]{6}$"]');
    const send = (views: Views) => views.app.inject({ method: 'POST', url: '/v1/labels', payload: { colour: 'red' } });

    expect((await send(before)).statusCode).toBe(200);
    const refused = await send(after);
    expect(refused.statusCode).toBe(400);
    expect(refused.json()).toMatchObject({
      code: 'invalid_argument',
      violations: [{ field: 'colour', description: 'must match the pattern ^#[0-9a-f]{6}$' }],
    });
    expect((await after.app.inject({ method: 'POST', url: '/v1/labels', payload: { colour: '#00ff00' } })).statusCode).toBe(200);

    expect(await before.callGrpc(create(before.input, { colour: 'red' }))).toBe('OK');
    expect(await after.callGrpc(create(after.input, { colour: 'red' }))).toMatchObject({
      code: 'invalid_argument',
      violations: [{ field: 'colour', description: 'must match the pattern ^#[0-9a-f]{6}$' }],
    });

    expect(await colourSchema(before.app)).not.toHaveProperty('pattern');
    expect(await colourSchema(after.app)).toMatchObject({ type: 'string', pattern: '^#[0-9a-f]{6}$' });
  });
});
