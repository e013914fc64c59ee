import { AuthService } from '@causeloop/proto/causeloop/auth/v1/auth_pb.js';
import { Role, TokenKind } from '@causeloop/proto/causeloop/common/v1/principal_pb.js';
import { create } from '@bufbuild/protobuf';
import { PrincipalSchema } from '@causeloop/proto/causeloop/common/v1/principal_pb.js';
import { describe, expect, it } from 'vitest';
import type { CallContext } from '../../src/grpc/call-context.js';
import {
  createAssertionSigner,
  createAssertionVerifier,
  createPrincipalResolver,
  generateAssertionKeyPair,
  guardScopes,
  principalAssertionHeader,
  requiredScope,
  type PrincipalCallContext,
} from '../../src/identity/index.js';

const handler = async () => ({});

describe('guardScopes', async () => {
  const { privateKeyPem, publicKeyPem } = await generateAssertionKeyPair();
  const verifier = createAssertionVerifier({ publicKeyPem });
  const authenticate = async () => {
    throw new Error('not used');
  };
  const options = createPrincipalResolver({ verifier, authenticate });
  const scoped = AuthService.methods.filter((method) => requiredScope(method) !== undefined).map((m) => m.localName);
  const open = AuthService.methods.filter((method) => requiredScope(method) === undefined).map((m) => m.localName);
  const all = (names: string[]) => Object.fromEntries(names.map((name) => [name, handler]));

  it('splits the service as the proto says: every RPC with an HTTP-rule scope is guarded', () => {
    expect(open.sort()).toEqual(['authenticate', 'authorize', 'exchangeToken', 'refreshToken']);
    expect(scoped).toHaveLength(9);
    expect(() => guardScopes(AuthService, { open: all(open), scoped: all(scoped) }, options)).not.toThrow();
  });

  it('refuses to wire a scoped RPC as an open handler (fail closed)', () => {
    const [first, ...rest] = scoped;
    expect(() => guardScopes(AuthService, { open: { ...all(open), [first!]: handler }, scoped: all(rest) }, options)).toThrow(
      /requires tokens:(read|write) but has no scoped handler/,
    );
  });

  it('refuses to wire an open RPC as a scoped one', () => {
    const [first, ...rest] = open;
    expect(() => guardScopes(AuthService, { open: all(rest), scoped: { ...all(scoped), [first!]: handler } }, options)).toThrow(
      /has no scope and no open handler/,
    );
  });

  it('runs a scoped handler only for a principal holding the scope, and hands it over', async () => {
    const signer = createAssertionSigner({ privateKeyPem });
    const principal = (scopes: string[]) =>
      create(PrincipalSchema, {
        subjectId: '0190a1b2-c3d4-7e5f-8a6b-7c8d9e0f1a2c',
        workspaceId: '0190a1b2-c3d4-7e5f-8a6b-7c8d9e0f1a2b',
        role: Role.VIEWER,
        scopes,
        tokenKind: TokenKind.ACCESS,
      });
    const seen: PrincipalCallContext[] = [];
    const guarded = guardScopes(
      AuthService,
      {
        open: all(open),
        scoped: { ...all(scoped), createPersonalAccessToken: async (_request: never, context: PrincipalCallContext) => {
          seen.push(context);
          return {};
        } },
      },
      options,
    );
    const contextWith = async (scopes: string[]): Promise<CallContext> => {
      const assertion = await signer.sign(principal(scopes));
      const metadata = new Map([[principalAssertionHeader, assertion]]);
      return {
        requestId: 'r',
        logger: undefined as never,
        signal: new AbortController().signal,
        deadline: undefined,
        metadata: { get: (key) => metadata.get(key), getAll: (key) => (metadata.has(key) ? [metadata.get(key)!] : []), has: (key) => metadata.has(key) },
      };
    };
    const call = guarded.createPersonalAccessToken as unknown as (request: never, context: CallContext) => Promise<unknown>;
    await expect(call({} as never, await contextWith(['tokens:read']))).rejects.toMatchObject({ code: 'insufficient_scope' });
    expect(seen).toHaveLength(0);
    await call({} as never, await contextWith(['tokens:read', 'tokens:write']));
    expect(seen[0]?.principal.scopes).toContain('tokens:write');
  });
});
