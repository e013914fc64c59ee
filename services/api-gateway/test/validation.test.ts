import { randomUUID } from 'node:crypto';
import { fromJson, type DescMethod, type JsonValue, type Message } from '@bufbuild/protobuf';
import { createGrpcClient, type GrpcCallOptions } from '@causeloop/platform/grpc';
import { AuthService } from '@causeloop/proto/causeloop/auth/v1/auth_pb.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  acceptThroughGateway,
  bearer,
  publicTenancyServices,
  signIn,
  startTenancyStack,
  type TenancyStack,
} from '../../tenancy/test/support/tenancy-stack.js';

// Every route with a body, read from the gateway's own OpenAPI document, is sent what a
// careless client sends: not an object, an empty object, an unknown field, and a value
// breaking each constraint the document declares. Over HTTP each must be a 400 naming the
// field, before any backend is asked; over direct gRPC the same RPC with the same value
// must be INVALID_ARGUMENT naming it. The stack is a default `npm start` one: auth in
// development mode with no identity provider configured.

type Schema = Readonly<Record<string, unknown>>;
interface Problem {
  readonly status: number;
  readonly code: string;
  readonly violations?: readonly { field: string; description: string }[];
}
interface Operation {
  readonly operationId: string;
  readonly parameters: readonly { name: string; in: string; schema: Schema }[];
  readonly requestBody?: { content: { 'application/json': { schema: Schema } } };
  readonly security: readonly unknown[];
}
interface BodyRoute {
  readonly label: string;
  readonly method: string;
  readonly url: string;
  readonly pathValues: Readonly<Record<string, JsonValue>>;
  readonly scoped: boolean;
  readonly body: Schema;
  readonly rpc: DescMethod;
}

let stack: TenancyStack;
let token: string;
let routes: BodyRoute[];
const rpcs = [AuthService, ...publicTenancyServices].flatMap((service) => service.methods);

beforeAll(async () => {
  stack = await startTenancyStack();
  const created = await stack.provision({ slug: 'validation', ownerEmail: 'owner@validation.example' });
  await acceptThroughGateway(stack.gateway, created.ownerInvitationToken);
  token = await signIn(stack.gateway, 'owner@validation.example');
  const workspaceId = created.workspace!.id;
  const document = (await stack.gateway.inject({ method: 'GET', url: '/openapi.json' })).json() as {
    paths: Record<string, Record<string, Operation>>;
    components: { schemas: Record<string, Schema> };
  };
  const resolve = (schema: Schema): Schema => {
    const ref = schema['$ref'];
    return typeof ref === 'string' ? resolve(document.components.schemas[ref.split('/').pop() ?? ''] ?? {}) : schema;
  };
  routes = Object.entries(document.paths).flatMap(([template, byMethod]) =>
    Object.entries(byMethod).flatMap(([method, operation]) => {
      const body = operation.requestBody?.content['application/json'].schema;
      if (body === undefined) return [];
      const rpc = rpcs.find((candidate) => candidate.localName === operation.operationId);
      if (rpc === undefined) throw new Error(`no RPC behind ${operation.operationId}`);
      // Valid path values, so what is judged is the body.
      const pathValues: Record<string, JsonValue> = {};
      for (const parameter of operation.parameters.filter((p) => p.in === 'path')) {
        pathValues[parameter.name] =
          parameter.name === 'workspace_id' ? workspaceId : resolve(parameter.schema)['type'] === 'integer' ? 0 : randomUUID();
      }
      const url = template.replace(/\{(\w+)\}/g, (_, name: string) => String(pathValues[name]));
      const label = `${method.toUpperCase()} ${template}`;
      return [{ label, method: method.toUpperCase(), url, pathValues, scoped: operation.security.length > 0, body: resolve(body), rpc }];
    }),
  );
});

afterAll(async () => {
  await stack?.close();
});

/** Sends `payload` as the JSON body, authenticated as the owner where the route needs it. */
async function overHttp(route: BodyRoute, payload: JsonValue): Promise<{ statusCode: number; problem: Problem }> {
  const response = await stack.gateway.inject({
    method: route.method as 'POST' | 'PATCH',
    url: route.url,
    headers: { 'content-type': 'application/json', ...(route.scoped ? bearer(token) : {}) },
    payload,
  });
  return { statusCode: response.statusCode, problem: response.json() as Problem };
}

type Rpc = (request: Message, options?: GrpcCallOptions) => Promise<unknown>;

/** The RPC called directly, as a cluster client would: the owner's token as a bearer credential. */
async function overGrpc(route: BodyRoute, json: Record<string, JsonValue>): Promise<unknown> {
  const service = route.rpc.parent;
  const address = service.typeName === AuthService.typeName ? stack.authAddress : stack.tenancyAddress;
  const client = createGrpcClient(service, { address, defaultDeadlineMs: 10_000 });
  try {
    const call = (client as unknown as Record<string, Rpc>)[route.rpc.localName]!;
    const request = fromJson(route.rpc.input, { ...route.pathValues, ...json });
    return await call(request, route.scoped ? { metadata: bearer(token) } : {}).then(
      () => 'OK',
      (error: unknown) => error,
    );
  } finally {
    client.close();
  }
}

/** Values that break each constraint the schema of one body field declares, type first. */
function violatingValues(schema: Schema): JsonValue[] {
  const values: JsonValue[] = [];
  const number = (key: string) => (typeof schema[key] === 'number' ? (schema[key] as number) : undefined);
  switch (schema['type']) {
    case 'string': {
      values.push(42);
      const [minLength, maxLength] = [number('minLength'), number('maxLength')];
      if (minLength !== undefined && minLength > 0) values.push('x'.repeat(minLength - 1));
      if (maxLength !== undefined) values.push('x'.repeat(maxLength + 1));
      if (typeof schema['format'] === 'string') values.push(`not a ${schema['format']}`);
      if (typeof schema['pattern'] === 'string') {
        const pattern = new RegExp(schema['pattern'], 'u');
        const breaking = [' padded ', 'Not A Slug!', '--', '!'].find((candidate) => !pattern.test(candidate));
        if (breaking !== undefined) values.push(breaking);
      }
      if (Array.isArray(schema['enum'])) values.push('NOT_A_VALUE');
      break;
    }
    case 'integer':
    case 'number': {
      values.push('five');
      const [minimum, maximum] = [number('minimum'), number('maximum')];
      if (minimum !== undefined) values.push(minimum - 1);
      if (maximum !== undefined) values.push(maximum + 1);
      if (schema['not'] !== undefined) values.push(0);
      break;
    }
    case 'boolean':
      values.push('yes');
      if (schema['const'] === true) values.push(false);
      break;
    case 'array': {
      values.push('not a list');
      const [minItems, maxItems] = [number('minItems'), number('maxItems')];
      if (minItems !== undefined) values.push([]);
      if (maxItems !== undefined) values.push(Array.from({ length: maxItems + 1 }, (_, index) => `item-${index}`));
      if (schema['uniqueItems'] === true) values.push(['same', 'same']);
      break;
    }
    case 'object':
      values.push('not an object');
      break;
  }
  return values;
}

/** Sent as the value of a field, a zero value means "not set" over gRPC: only a required field is named then. */
function isZero(value: JsonValue): boolean {
  return value === '' || value === 0 || value === false || (Array.isArray(value) && value.length === 0);
}

describe('requests are validated from the protos before anything else answers', () => {
  it('finds the routes with a body in the OpenAPI document', () => {
    expect(routes.map((route) => route.label)).toEqual(
      expect.arrayContaining(['POST /v1/auth/exchange', 'POST /v1/api-tokens', 'PATCH /v1/workspaces/{workspace_id}', 'POST /v1/invitations/accept']),
    );
  });

  it('answers 400 to a body that is not a JSON object, on every route with a body', async () => {
    const wrong: string[] = [];
    for (const route of routes) {
      for (const payload of [null, [], 1, 'x']) {
        const { statusCode, problem } = await overHttp(route, payload);
        if (statusCode !== 400 || problem.code !== 'invalid_argument') {
          wrong.push(`${route.label} ${JSON.stringify(payload)}: ${statusCode} ${problem.code}`);
        }
      }
    }
    expect(wrong).toEqual([]);
  });

  it('names every required field of an empty object, over HTTP and over gRPC, and refuses unknown fields by name', async () => {
    const wrong: string[] = [];
    for (const route of routes) {
      const required = Array.isArray(route.body['required']) ? (route.body['required'] as string[]) : [];
      const empty = await overHttp(route, {});
      if (required.length > 0) {
        const named = (empty.problem.violations ?? []).map((violation) => violation.field);
        if (empty.statusCode !== 400 || !required.every((field) => named.includes(field))) {
          wrong.push(`${route.label} {} over HTTP: ${empty.statusCode}, named ${named.join(', ')}`);
        }
        const error = (await overGrpc(route, {})) as Problem;
        const namedOverGrpc = (error.violations ?? []).map((violation) => violation.field);
        if (error.code !== 'invalid_argument' || !required.every((field) => namedOverGrpc.includes(field))) {
          wrong.push(`${route.label} {} over gRPC: ${error.code}, named ${namedOverGrpc.join(', ')}`);
        }
      } else if (empty.statusCode >= 500) {
        wrong.push(`${route.label} {}: ${empty.statusCode}`);
      }
      const unknown = await overHttp(route, { no_such_field: 1 });
      if (unknown.statusCode !== 400 || !(unknown.problem.violations ?? []).some((violation) => violation.field === 'no_such_field')) {
        wrong.push(`${route.label} unknown field: ${unknown.statusCode} ${JSON.stringify(unknown.problem.violations)}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('names the field of a value breaking each declared constraint, over HTTP and over gRPC, never a 5xx', async () => {
    const wrong: string[] = [];
    let checked = 0;
    for (const route of routes) {
      const properties = (route.body['properties'] ?? {}) as Record<string, Schema>;
      for (const [field, schema] of Object.entries(properties)) {
        for (const value of violatingValues(schema)) {
          const sent = `${route.label} ${field}=${JSON.stringify(value)}`;
          const { statusCode, problem } = await overHttp(route, { [field]: value });
          checked += 1;
          if (statusCode !== 400 || !(problem.violations ?? []).some((violation) => violation.field === field)) {
            wrong.push(`${sent} over HTTP: ${statusCode} ${JSON.stringify(problem.violations)}`);
          }
          let request: Record<string, JsonValue>;
          try {
            // Only values a protobuf message can hold at all can be sent over gRPC.
            fromJson(route.rpc.input, { [field]: value });
            request = { [field]: value };
          } catch {
            continue;
          }
          const required = Array.isArray(route.body['required']) && (route.body['required'] as string[]).includes(field);
          if (isZero(value) && !required) continue;
          const error = (await overGrpc(route, request)) as Problem;
          if (error.code !== 'invalid_argument' || !(error.violations ?? []).some((violation) => violation.field === field)) {
            wrong.push(`${sent} over gRPC: ${String(error.code ?? error)} ${JSON.stringify(error.violations)}`);
          }
        }
      }
    }
    expect(checked).toBeGreaterThan(routes.length);
    expect(wrong).toEqual([]);
  });

  it('answers POST /v1/auth/exchange with a null body 400, not 503 for the missing identity provider', async () => {
    const route = routes.find((candidate) => candidate.label === 'POST /v1/auth/exchange')!;
    expect((await overHttp(route, null)).statusCode).toBe(400);
    const empty = await overHttp(route, {});
    expect(empty.statusCode).toBe(400);
    expect(empty.problem.violations).toEqual([{ field: 'subject_token', description: 'is required' }]);
    // A well-formed request still reaches the backend, which has no identity provider.
    expect((await overHttp(route, { subject_token: 'an.idp.jwt' })).statusCode).toBe(503);
  });

  it('checks query strings the same way: limit is 1-100, unknown parameters are named', async () => {
    const list = (query: string) =>
      stack.gateway.inject({ method: 'GET', url: `/v1/api-tokens${query}`, headers: bearer(token) });
    for (const query of ['?limit=0', '?limit=101', '?limit=ten']) {
      const response = await list(query);
      expect(response.statusCode, query).toBe(400);
      expect((response.json() as Problem).violations?.map((violation) => violation.field), query).toEqual(['limit']);
    }
    expect((await list('?limit=100')).statusCode).toBe(200);
    const unknown = await list('?colour=red');
    expect((unknown.json() as Problem).violations).toEqual([{ field: 'colour', description: 'is not a field of this request' }]);
  });

  it('authenticates before it validates, and validates before it authorizes', async () => {
    const invalid = { name: '', scopes: [] };
    const anonymous = await stack.gateway.inject({ method: 'POST', url: '/v1/api-tokens', payload: invalid });
    expect(anonymous.statusCode).toBe(401);
    const created = await stack.gateway.inject({
      method: 'POST',
      url: '/v1/api-tokens',
      headers: bearer(token),
      payload: { name: 'read only', scopes: ['tokens:read'] },
    });
    const readOnly = (created.json() as { secret: string }).secret;
    const unauthorizedInvalid = await stack.gateway.inject({ method: 'POST', url: '/v1/api-tokens', headers: bearer(readOnly), payload: invalid });
    expect(unauthorizedInvalid.statusCode).toBe(400);
    const unauthorizedValid = await stack.gateway.inject({
      method: 'POST',
      url: '/v1/api-tokens',
      headers: bearer(readOnly),
      payload: { name: 'nope', scopes: ['tokens:read'] },
    });
    expect(unauthorizedValid.statusCode).toBe(403);
  });
});
