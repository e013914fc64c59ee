import { AuthService } from '@causeloop/proto/causeloop/auth/v1/auth_pb.js';
import { createAssertionVerifier, createPrincipalResolver, generateAssertionKeyPair, requiredScope } from '@causeloop/platform';
import { describe, expect, it } from 'vitest';
import { guardScopes } from '../../src/guard-scopes.js';

const handler = async () => ({});

describe('guardScopes', async () => {
  const { publicKeyPem } = await generateAssertionKeyPair();
  const verifier = createAssertionVerifier({ publicKeyPem });
  const authenticate = async () => {
    throw new Error('not used');
  };
  const options = { verifier, resolver: createPrincipalResolver({ verifier, authenticate }), authenticate };
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
});
