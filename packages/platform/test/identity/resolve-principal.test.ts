import { create } from '@bufbuild/protobuf';
import { Metadata } from '@grpc/grpc-js';
import { file_causeloop_auth_v1_auth } from '@causeloop/proto/causeloop/auth/v1/auth_pb.js';
import { PrincipalSchema, Role, TokenKind, type Principal } from '@causeloop/proto/causeloop/common/v1/principal_pb.js';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { createIncomingMetadata } from '../../src/grpc/call-context.js';
import {
  createAssertionSigner,
  createAssertionVerifier,
  createPrincipalResolver,
  generateAssertionKeyPair,
  methodAccess,
  presentedCredential,
  principalAssertionHeader,
  requireScope,
  roleScopes,
  type AssertionSigner,
  type AssertionVerifier,
} from '../../src/identity/index.js';

function principalFor(role: Role, scopes: readonly string[], subjectId: string): Principal {
  return create(PrincipalSchema, {
    subjectId,
    workspaceId: '0190a6f0-0000-7000-8000-0000000000aa',
    role,
    scopes: [...scopes],
    tokenKind: TokenKind.ACCESS,
  });
}

const viewer = principalFor(Role.VIEWER, roleScopes.viewer, 'viewer-1');
const admin = principalFor(Role.ADMIN, roleScopes.admin, 'admin-1');

function metadata(entries: Record<string, string>) {
  const raw = new Metadata();
  for (const [key, value] of Object.entries(entries)) raw.set(key, value);
  return createIncomingMetadata(raw);
}

let signer: AssertionSigner;
let verifier: AssertionVerifier;
beforeAll(async () => {
  const keys = await generateAssertionKeyPair();
  signer = createAssertionSigner({ privateKeyPem: keys.privateKeyPem });
  verifier = createAssertionVerifier({ publicKeyPem: keys.publicKeyPem });
});

describe('principal resolver', () => {
  it('refuses an assertion and a bearer token that name different callers', async () => {
    const authenticate = vi.fn(async () => admin);
    const resolver = createPrincipalResolver({ verifier, authenticate });
    await expect(
      resolver.resolve(metadata({ [principalAssertionHeader]: await signer.sign(viewer), authorization: 'Bearer clp_pat_x' })),
    ).rejects.toMatchObject({ code: 'unauthenticated' });
  });

  it('uses the assertion when it and the bearer token name the same caller', async () => {
    const sameCaller = { ...viewer, scopes: ['issues:read'] };
    const resolver = createPrincipalResolver({ verifier, authenticate: async () => sameCaller });
    const resolved = await resolver.resolve(
      metadata({ [principalAssertionHeader]: await signer.sign(viewer), authorization: 'Bearer clp_pat_x' }),
    );
    expect(resolved).toEqual(viewer);
  });

  it('sends a bearer token to authenticate', async () => {
    const authenticate = vi.fn(async () => admin);
    const resolver = createPrincipalResolver({ verifier, authenticate });
    expect(await resolver.resolve(metadata({ authorization: 'Bearer clp_pat_abc' }))).toEqual(admin);
    expect(authenticate).toHaveBeenCalledWith('clp_pat_abc');
  });

  it('refuses a call with neither, a bare or malformed header, or a bearer with no authenticate', async () => {
    const required = { code: 'unauthenticated', message: 'authentication required' };
    const withAuth = createPrincipalResolver({ verifier, authenticate: async () => admin });
    await expect(withAuth.resolve(metadata({}))).rejects.toMatchObject(required);
    await expect(withAuth.resolve(metadata({ authorization: 'Basic YWRhOnB3' }))).rejects.toMatchObject(required);
    await expect(withAuth.resolve(metadata({ authorization: 'Bearer' }))).rejects.toMatchObject(required);
    // A hand-written principal is just a header, never trusted.
    await expect(withAuth.resolve(metadata({ 'x-causeloop-subject': 'admin-1' }))).rejects.toMatchObject(required);
    const withoutAuth = createPrincipalResolver({ verifier });
    await expect(withoutAuth.resolve(metadata({ authorization: 'Bearer clp_pat_abc' }))).rejects.toMatchObject(required);
  });

  it('refuses a forged assertion, falling back only to a bearer token', async () => {
    const other = await generateAssertionKeyPair();
    const forged = await createAssertionSigner({ privateKeyPem: other.privateKeyPem }).sign(admin);
    const resolver = createPrincipalResolver({ verifier, authenticate: async () => viewer });
    await expect(createPrincipalResolver({ verifier }).resolve(metadata({ [principalAssertionHeader]: forged }))).rejects.toMatchObject({
      code: 'unauthenticated',
    });
    await expect(resolver.resolve(metadata({ [principalAssertionHeader]: forged }))).rejects.toMatchObject({
      code: 'unauthenticated',
    });
    // The bearer's own principal, not the forged one.
    expect(await resolver.resolve(metadata({ [principalAssertionHeader]: forged, authorization: 'Bearer t' }))).toEqual(viewer);
  });
});

describe('scopes on RPCs', () => {
  const service = file_causeloop_auth_v1_auth.services[0];

  it('reads the scope from the http rule, and the public and internal marks', () => {
    const method = (name: string) => {
      const found = service?.methods.find((candidate) => candidate.name === name);
      if (found === undefined) throw new Error(`no method ${name}`);
      return found;
    };
    expect(methodAccess(method('CreatePersonalAccessToken'))).toEqual({ kind: 'scoped', scope: 'tokens:write' });
    expect(methodAccess(method('ExchangeToken'))).toEqual({ kind: 'public' });
    expect(methodAccess(method('Authenticate'))).toEqual({ kind: 'internal' });
  });

  it('names the credential a call presents, without trusting it', () => {
    expect(presentedCredential(metadata({}))).toBe('none');
    expect(presentedCredential(metadata({ authorization: 'Basic dXNlcjpwdw==' }))).toBe('none');
    expect(presentedCredential(metadata({ authorization: 'Bearer clp_sa_abc' }))).toBe('service_account');
    expect(presentedCredential(metadata({ authorization: 'bearer clp_pat_abc' }))).toBe('personal_access');
    expect(presentedCredential(metadata({ authorization: 'Bearer clp_op_abc' }))).toBe('operator');
    expect(presentedCredential(metadata({ authorization: 'Bearer eyJ.a.b' }))).toBe('access');
    expect(presentedCredential(metadata({ [principalAssertionHeader]: 'x.y.z', authorization: 'Bearer clp_op_abc' }))).toBe('assertion');
  });

  it('refuses a viewer issues:write and lets an admin through', () => {
    expect(() => requireScope(viewer, 'issues:write')).toThrow(
      expect.objectContaining({ code: 'insufficient_scope', message: 'this call needs the issues:write scope' }),
    );
    expect(() => requireScope(viewer, 'issues:read')).not.toThrow();
    expect(() => requireScope(admin, 'issues:write')).not.toThrow();
  });
});
