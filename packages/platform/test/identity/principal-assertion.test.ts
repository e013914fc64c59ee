import { create } from '@bufbuild/protobuf';
import { timestampFromMs } from '@bufbuild/protobuf/wkt';
import { PrincipalSchema, Role, TokenKind } from '@causeloop/proto/causeloop/common/v1/principal_pb.js';
import { importPKCS8, SignJWT } from 'jose';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  createAssertionSigner,
  createAssertionVerifier,
  generateAssertionKeyPair,
  type AssertionKeyPair,
} from '../../src/identity/index.js';
import { decodePart, unsecuredToken, withTamperedPayload, withTruncatedSignature } from '../../src/testing/jwt-tamper.js';

const invalid = { code: 'unauthenticated', message: 'invalid principal assertion' };
const credentialExpiresAtMs = Date.now() + 3_600_000;
const principal = create(PrincipalSchema, {
  subjectId: '0190a6f0-0000-7000-8000-000000000001',
  workspaceId: '0190a6f0-0000-7000-8000-0000000000aa',
  role: Role.ANALYST,
  scopes: ['issues:read', 'issues:write'],
  tokenKind: TokenKind.PERSONAL_ACCESS,
  expiresAt: timestampFromMs(credentialExpiresAtMs),
  displayName: 'Ada',
});

let keys: AssertionKeyPair;
beforeAll(async () => {
  keys = await generateAssertionKeyPair();
});

describe('principal assertions', () => {
  it('round-trips a principal, living at most the ttl', async () => {
    const assertion = await createAssertionSigner({ privateKeyPem: keys.privateKeyPem }).sign(principal);
    expect(await createAssertionVerifier({ publicKeyPem: keys.publicKeyPem }).verify(assertion)).toEqual(principal);
    expect(decodePart(assertion, 0)).toEqual({ alg: 'EdDSA', typ: 'causeloop-principal+jwt' });
    const { iat, exp } = decodePart(assertion, 1) as { iat: number; exp: number };
    expect(exp - iat).toBeLessThanOrEqual(60);
  });

  it('round-trips a principal without expiry or display name', async () => {
    const bare = create(PrincipalSchema, { ...principal, displayName: '', scopes: [] });
    delete (bare as { expiresAt?: unknown }).expiresAt;
    const assertion = await createAssertionSigner({ privateKeyPem: keys.privateKeyPem }).sign(bare);
    expect(await createAssertionVerifier({ publicKeyPem: keys.publicKeyPem }).verify(assertion)).toEqual(bare);
  });

  it('never outlives the credential it vouches for', async () => {
    const soon = create(PrincipalSchema, { ...principal, expiresAt: timestampFromMs(Date.now() + 10_000) });
    const assertion = await createAssertionSigner({ privateKeyPem: keys.privateKeyPem, ttlSeconds: 300 }).sign(soon);
    const { exp } = decodePart(assertion, 1) as { exp: number };
    expect(exp).toBeLessThanOrEqual(Math.ceil((Date.now() + 10_000) / 1000));
  });

  it('refuses an assertion signed by another key pair', async () => {
    const other = await generateAssertionKeyPair();
    const assertion = await createAssertionSigner({ privateKeyPem: other.privateKeyPem }).sign(principal);
    await expect(createAssertionVerifier({ publicKeyPem: keys.publicKeyPem }).verify(assertion)).rejects.toMatchObject(invalid);
  });

  it('refuses expired, wrong-audience, wrong-issuer and wrong-typ assertions', async () => {
    const verifier = createAssertionVerifier({ publicKeyPem: keys.publicKeyPem });
    const key = await importPKCS8(keys.privateKeyPem, 'EdDSA');
    const now = Math.floor(Date.now() / 1000);
    const forge = (changes: { aud?: string; iss?: string; exp?: number; typ?: string }) =>
      new SignJWT({ workspace_id: principal.workspaceId, role: 'owner', scope: '', token_kind: 'access' })
        .setProtectedHeader({ alg: 'EdDSA', typ: changes.typ ?? 'causeloop-principal+jwt' })
        .setSubject(principal.subjectId)
        .setIssuer(changes.iss ?? 'causeloop-auth')
        .setAudience(changes.aud ?? 'causeloop-services')
        .setIssuedAt(now - 120)
        .setExpirationTime(changes.exp ?? now + 60)
        .sign(key);
    await expect(verifier.verify(await forge({}))).resolves.toMatchObject({ role: Role.OWNER }); // control
    await expect(verifier.verify(await forge({ exp: now - 30 }))).rejects.toMatchObject(invalid);
    await expect(verifier.verify(await forge({ aud: 'causeloop-api' }))).rejects.toMatchObject(invalid);
    await expect(verifier.verify(await forge({ iss: 'causeloop-gateway' }))).rejects.toMatchObject(invalid);
    await expect(verifier.verify(await forge({ typ: 'at+jwt' }))).rejects.toMatchObject(invalid);
  });

  it('refuses tampered, truncated and unsigned assertions', async () => {
    const verifier = createAssertionVerifier({ publicKeyPem: keys.publicKeyPem });
    const assertion = await createAssertionSigner({ privateKeyPem: keys.privateKeyPem }).sign(principal);
    await expect(verifier.verify(withTamperedPayload(assertion, { role: 'owner' }))).rejects.toMatchObject(invalid);
    await expect(verifier.verify(withTamperedPayload(assertion, { workspace_id: 'other' }))).rejects.toMatchObject(invalid);
    await expect(verifier.verify(withTruncatedSignature(assertion))).rejects.toMatchObject(invalid);
    await expect(verifier.verify(unsecuredToken(decodePart(assertion, 1), { typ: 'causeloop-principal+jwt' }))).rejects.toMatchObject(invalid);
  });

  describe('remembering verified assertions', () => {
    afterEach(() => vi.useRealTimers());

    it('takes a remembered assertion only until it expires, then refuses it', async () => {
      vi.useFakeTimers({ toFake: ['Date'] });
      const verifier = createAssertionVerifier({ publicKeyPem: keys.publicKeyPem });
      const assertion = await createAssertionSigner({ privateKeyPem: keys.privateKeyPem, ttlSeconds: 60 }).sign(principal);
      await expect(verifier.verify(assertion)).resolves.toEqual(principal);
      vi.setSystemTime(Date.now() + 50_000);
      await expect(verifier.verify(assertion)).resolves.toEqual(principal);
      // Past exp and the 5 s clock tolerance: a cache that ignored expiry would still answer.
      vi.setSystemTime(Date.now() + 20_000);
      await expect(verifier.verify(assertion)).rejects.toMatchObject(invalid);
    });

    it('never lets a tampered or truncated copy of a remembered assertion through', async () => {
      const verifier = createAssertionVerifier({ publicKeyPem: keys.publicKeyPem });
      const assertion = await createAssertionSigner({ privateKeyPem: keys.privateKeyPem }).sign(principal);
      await expect(verifier.verify(assertion)).resolves.toEqual(principal);
      await expect(verifier.verify(withTamperedPayload(assertion, { role: 'owner' }))).rejects.toMatchObject(invalid);
      await expect(verifier.verify(withTamperedPayload(assertion, { workspace_id: 'other' }))).rejects.toMatchObject(invalid);
      await expect(verifier.verify(withTruncatedSignature(assertion))).rejects.toMatchObject(invalid);
      await expect(verifier.verify(assertion)).resolves.toEqual(principal);
    });

    it('gives each caller its own principal, so one that changes it changes nothing for the next', async () => {
      const verifier = createAssertionVerifier({ publicKeyPem: keys.publicKeyPem });
      const assertion = await createAssertionSigner({ privateKeyPem: keys.privateKeyPem }).sign(principal);
      const first = await verifier.verify(assertion);
      first.role = Role.OWNER;
      first.scopes.push('tokens:write');
      await expect(verifier.verify(assertion)).resolves.toEqual(principal);
    });

    it('keeps at most the number of assertions it is given, checking the others in full', async () => {
      const verifier = createAssertionVerifier({ publicKeyPem: keys.publicKeyPem, maxRemembered: 2 });
      const signer = createAssertionSigner({ privateKeyPem: keys.privateKeyPem });
      const assertions = await Promise.all(
        ['a', 'b', 'c'].map((name) => signer.sign(create(PrincipalSchema, { ...principal, displayName: name }))),
      );
      for (const assertion of assertions) await verifier.verify(assertion);
      // Still correct for every one, remembered or evicted.
      for (const [index, assertion] of assertions.entries()) {
        await expect(verifier.verify(assertion)).resolves.toMatchObject({ displayName: ['a', 'b', 'c'][index] });
      }
    });
  });

  it('refuses to sign a principal without a role', async () => {
    const signer = createAssertionSigner({ privateKeyPem: keys.privateKeyPem });
    await expect(signer.sign(create(PrincipalSchema, { ...principal, role: Role.UNSPECIFIED }))).rejects.toMatchObject({
      code: 'invalid_argument',
    });
  });
});
