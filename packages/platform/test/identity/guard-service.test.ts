import { create } from '@bufbuild/protobuf';
import {
  AuthenticateRequestSchema,
  AuthService,
  CreatePersonalAccessTokenRequestSchema,
} from '@causeloop/proto/causeloop/auth/v1/auth_pb.js';
import { Access } from '@causeloop/proto/causeloop/common/v1/access_pb.js';
import { PrincipalSchema, Role, TokenKind } from '@causeloop/proto/causeloop/common/v1/principal_pb.js';
import { Metadata } from '@grpc/grpc-js';
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createIncomingMetadata, type CallContext } from '../../src/grpc/call-context.js';
import {
  createAssertionSigner,
  createAssertionVerifier,
  createPrincipalResolver,
  generateAssertionKeyPair,
  guardService,
  methodAccess,
  principalAssertionHeader,
  type GuardedHandlers,
  type PrincipalCallContext,
} from '../../src/identity/index.js';
import { fakeService } from '../../src/testing/fake-service.js';

const handler = async () => ({});
type Call = (request: never, context: CallContext) => Promise<unknown>;

function contextWith(entries: Record<string, string>): CallContext {
  const metadata = new Metadata();
  for (const [key, value] of Object.entries(entries)) metadata.set(key, value);
  return {
    requestId: 'r',
    traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
    logger: undefined as never,
    signal: new AbortController().signal,
    deadline: undefined,
    metadata: createIncomingMetadata(metadata),
  };
}

async function counter(registry: Registry, name: string, labels: Record<string, string>): Promise<number> {
  const metric = registry.getSingleMetric(name);
  const values = metric === undefined ? [] : (await metric.get()).values;
  return values.find((value) => Object.entries(labels).every(([key, expected]) => value.labels[key] === expected))?.value ?? 0;
}

describe('guardService', async () => {
  const { privateKeyPem, publicKeyPem } = await generateAssertionKeyPair();
  const signer = createAssertionSigner({ privateKeyPem });
  // Bearer tokens resolve to nobody here: these tests are about the gate, not auth.
  const principals = createPrincipalResolver({
    verifier: createAssertionVerifier({ publicKeyPem }),
    authenticate: async () => {
      throw new Error('not used');
    },
  });
  const byKind = (kind: 'public' | 'internal' | 'scoped') =>
    Object.fromEntries(AuthService.methods.filter((method) => methodAccess(method).kind === kind).map((method) => [method.localName, handler]));
  const asDeclared: GuardedHandlers = { public: byKind('public'), internal: byKind('internal'), scoped: byKind('scoped') };
  const gate = () => ({ principals, registry: new Registry() });
  const principal = (scopes: string[]) =>
    create(PrincipalSchema, {
      subjectId: '0190a1b2-c3d4-7e5f-8a6b-7c8d9e0f1a2c',
      workspaceId: '0190a1b2-c3d4-7e5f-8a6b-7c8d9e0f1a2b',
      role: Role.VIEWER,
      scopes,
      tokenKind: TokenKind.ACCESS,
    });

  it('wires a service exactly as its protos declare each RPC', () => {
    expect(Object.keys(asDeclared.public!).sort()).toEqual(['exchangeToken', 'refreshToken']);
    expect(Object.keys(asDeclared.internal!).sort()).toEqual(['authenticate', 'authorize']);
    expect(Object.keys(asDeclared.scoped!)).toHaveLength(9);
    expect(() => guardService(AuthService, asDeclared, gate())).not.toThrow();
  });

  it('refuses to wire a scoped RPC as public, or an internal one as public (fail closed)', () => {
    const moved = (from: 'scoped' | 'internal', name: string): GuardedHandlers => ({
      ...asDeclared,
      [from]: Object.fromEntries(Object.entries(asDeclared[from]!).filter(([key]) => key !== name)),
      public: { ...asDeclared.public, [name]: handler },
    });
    expect(() => guardService(AuthService, moved('scoped', 'createPersonalAccessToken'), gate())).toThrow(
      /CreatePersonalAccessToken is scoped but has no scoped handler/,
    );
    expect(() => guardService(AuthService, moved('internal', 'authenticate'), gate())).toThrow(
      /Authenticate is internal but has no internal handler[\s\S]*authenticate is wired as public/,
    );
  });

  it('refuses to start with an RPC that names no scope and carries no access mark', () => {
    expect(() => guardService(fakeService({}), { public: { do: handler } }, gate())).toThrow(/FakeService.Do names no scope and has no access mark/);
    expect(() => guardService(fakeService({ http: { method: 'POST', path: '/v1/do', body: '*' } }), { public: { do: handler } }, gate())).toThrow(
      /names no scope and has no access mark/,
    );
  });

  it('refuses to start with an internal RPC that has an HTTP rule, or a public one that names a scope', () => {
    const routedInternal = fakeService({ access: Access.INTERNAL, http: { method: 'POST', path: '/v1/do', body: '*' } });
    expect(() => guardService(routedInternal, { internal: { do: handler } }, gate())).toThrow(/ACCESS_INTERNAL but has an HTTP rule/);
    const scopedPublic = fakeService({ access: Access.PUBLIC, http: { method: 'GET', path: '/v1/do', scope: 'members:read' } });
    expect(() => guardService(scopedPublic, { public: { do: handler } }, gate())).toThrow(/ACCESS_PUBLIC but its HTTP rule names the scope/);
    const unknownScope = fakeService({ http: { method: 'GET', path: '/v1/do', scope: 'everything:all' } });
    expect(() => guardService(unknownScope, { scoped: { do: handler } }, gate())).toThrow(/not in the scope catalogue/);
  });

  it('runs a scoped handler only for a principal holding the scope, hands it over, and counts each outcome', async () => {
    const seen: PrincipalCallContext[] = [];
    const { registry } = gate();
    const guarded = guardService(
      AuthService,
      {
        ...asDeclared,
        scoped: {
          ...asDeclared.scoped,
          createPersonalAccessToken: async (_request: never, context: PrincipalCallContext) => {
            seen.push(context);
            return {};
          },
        },
      },
      { principals, registry },
    );
    const call = guarded.createPersonalAccessToken as unknown as Call;
    // A request that keeps its proto's rules: the gate validates it before the scope check.
    const request = create(CreatePersonalAccessTokenRequestSchema, { name: 'ci', scopes: ['tokens:read'] }) as never;
    await expect(call(request, contextWith({}))).rejects.toMatchObject({ code: 'unauthenticated' });
    await expect(call(request, contextWith({ [principalAssertionHeader]: 'not.a.jws' }))).rejects.toMatchObject({ code: 'unauthenticated' });
    const asViewer = contextWith({ [principalAssertionHeader]: await signer.sign(principal(['tokens:read'])) });
    await expect(call(request, asViewer)).rejects.toMatchObject({ code: 'insufficient_scope' });
    expect(seen).toHaveLength(0);
    await call(request, contextWith({ [principalAssertionHeader]: await signer.sign(principal(['tokens:read', 'tokens:write'])) }));
    expect(seen[0]?.principal.scopes).toContain('tokens:write');

    expect(await counter(registry, 'causeloop_auth_authentications_total', { site: 'gate', kind: 'none', outcome: 'missing' })).toBe(1);
    expect(await counter(registry, 'causeloop_auth_authentications_total', { site: 'gate', kind: 'assertion', outcome: 'invalid' })).toBe(1);
    expect(await counter(registry, 'causeloop_auth_authentications_total', { site: 'gate', kind: 'assertion', outcome: 'ok' })).toBe(2);
    expect(await counter(registry, 'causeloop_auth_calls_denied_total', { reason: 'unauthenticated' })).toBe(2);
    expect(await counter(registry, 'causeloop_auth_calls_denied_total', { reason: 'insufficient_scope' })).toBe(1);
  });

  it('hands a scoped handler the call’s logger and trace id only when it reads them', async () => {
    let loggersMade = 0;
    let traceIdsResolved = 0;
    const context = contextWith({ [principalAssertionHeader]: await signer.sign(principal(['tokens:read', 'tokens:write'])) });
    const counting: CallContext = Object.defineProperties({ ...context }, {
      logger: { get: () => (loggersMade++, 'the call logger' as never) },
      traceId: { get: () => (traceIdsResolved++, context.traceId) },
    });
    const reads: PrincipalCallContext[] = [];
    const guarded = guardService(
      AuthService,
      { ...asDeclared, scoped: { ...asDeclared.scoped, createPersonalAccessToken: async (_request: never, seen: PrincipalCallContext) => (reads.push(seen), {}) } },
      gate(),
    );
    const request = create(CreatePersonalAccessTokenRequestSchema, { name: 'ci', scopes: ['tokens:read'] }) as never;
    await (guarded.createPersonalAccessToken as unknown as Call)(request, counting);
    expect([loggersMade, traceIdsResolved]).toEqual([0, 0]);
    expect(reads[0]!.logger).toBe('the call logger');
    expect(reads[0]!.traceId).toBe(context.traceId);
    expect([loggersMade, traceIdsResolved]).toEqual([1, 1]);
    expect(reads[0]!.requestId).toBe(context.requestId);
  });

  it('refuses every workspace credential on an internal RPC before its handler, and lets a bare service call through', async () => {
    let ran = 0;
    const { registry } = gate();
    const guarded = guardService(
      AuthService,
      { ...asDeclared, internal: { ...asDeclared.internal, authenticate: async () => ((ran += 1), {}) } },
      { principals, registry },
    );
    const call = guarded.authenticate as unknown as Call;
    const request = create(AuthenticateRequestSchema) as never;
    const assertion = await signer.sign(principal(['tokens:read']));
    const customerCredentials = [
      { [principalAssertionHeader]: assertion },
      { authorization: 'Bearer clp_sa_0123456789abcdefghijklmnopqrstuv' },
      { authorization: 'Bearer clp_pat_0123456789abcdefghijklmnopqrstuv' },
      { authorization: 'Bearer eyJhbGciOiJIUzI1NiJ9.e30.sig' },
      { authorization: 'bearer   clp_sa_lowercase-scheme' },
    ];
    for (const entries of customerCredentials) {
      await expect(call(request, contextWith(entries)), JSON.stringify(entries)).rejects.toMatchObject({ code: 'permission_denied' });
    }
    expect(ran).toBe(0);
    expect(await counter(registry, 'causeloop_auth_calls_denied_total', { reason: 'internal_only' })).toBe(customerCredentials.length);
    await call(request, contextWith({}));
    await call(request, contextWith({ authorization: 'Bearer clp_op_operator' }));
    expect(ran).toBe(2);
  });

  it('shares its counters between the services of one registry', () => {
    const registry = new Registry();
    guardService(AuthService, asDeclared, { principals, registry });
    expect(() => guardService(AuthService, asDeclared, { principals, registry })).not.toThrow();
    expect(registry.getSingleMetric('causeloop_auth_authentications_total')).toBeDefined();
  });
});
