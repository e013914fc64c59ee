import { generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import { describe, expect, it } from 'vitest';
import { decodePart, unsecuredToken, withTamperedPayload, withTruncatedSignature } from '@causeloop/platform/testing';
import { createAccessTokens, type AccessTokenClaims } from '../../src/access-tokens.js';

const secret = 'test-secret-that-is-at-least-32-bytes-long';
const options = { secret, issuer: 'causeloop-auth', audience: 'causeloop-api', ttlSeconds: 300 };
const tokens = createAccessTokens(options);
const claims: AccessTokenClaims = {
  subjectId: '0190a6f0-0000-7000-8000-000000000001',
  workspaceId: '0190a6f0-0000-7000-8000-0000000000aa',
  role: 'viewer',
  scopes: ['issues:read', 'tokens:read'],
  displayName: 'Ada',
};
const invalid = { code: 'unauthenticated', message: 'invalid access token' };

/** A token signed with our secret (or another key) and whatever header and claims a test needs. */
async function forge(
  overrides: { alg?: string; typ?: string; iss?: string; aud?: string; exp?: number; key?: Uint8Array | CryptoKey } = {},
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ workspace_id: claims.workspaceId, role: 'owner', scope: 'issues:write' })
    .setProtectedHeader({ alg: overrides.alg ?? 'HS256', typ: overrides.typ ?? 'at+jwt' })
    .setSubject(claims.subjectId)
    .setIssuer(overrides.iss ?? options.issuer)
    .setAudience(overrides.aud ?? options.audience)
    .setIssuedAt(now - 600)
    .setExpirationTime(overrides.exp ?? now + 300)
    .setJti('forged')
    .sign(overrides.key ?? new TextEncoder().encode(secret));
}

describe('access tokens', () => {
  it('round-trips claims, with typ at+jwt and a unique jti', async () => {
    const issued = await tokens.issue(claims);
    const verified = await tokens.verify(issued.token);
    expect(verified).toEqual({ ...claims, expiresAt: issued.expiresAt });
    expect(issued.expiresAt.getTime() - Date.now()).toBeGreaterThan(290_000);
    expect(decodePart(issued.token, 0)).toEqual({ alg: 'HS256', typ: 'at+jwt' });
    const again = await tokens.issue(claims);
    expect(decodePart(again.token, 1)['jti']).not.toBe(decodePart(issued.token, 1)['jti']);
  });

  it('omits the display name when there is none', async () => {
    const { displayName: _, ...withoutName } = claims;
    const { token } = await tokens.issue(withoutName);
    expect(await tokens.verify(token)).not.toHaveProperty('displayName');
  });

  it('accepts a well-formed forged-with-our-secret token (the control for the cases below)', async () => {
    await expect(tokens.verify(await forge())).resolves.toMatchObject({ role: 'owner' });
  });

  it('refuses alg none', async () => {
    const payload = decodePart((await tokens.issue(claims)).token, 1);
    await expect(tokens.verify(unsecuredToken(payload, { typ: 'at+jwt' }))).rejects.toMatchObject(invalid);
  });

  it('refuses an RS256 token and an HS512 token', async () => {
    const { privateKey } = await generateKeyPair('RS256');
    await expect(tokens.verify(await forge({ alg: 'RS256', key: privateKey }))).rejects.toMatchObject(invalid);
    await expect(tokens.verify(await forge({ alg: 'HS512' }))).rejects.toMatchObject(invalid);
  });

  it('refuses a wrong or missing typ', async () => {
    await expect(tokens.verify(await forge({ typ: 'JWT' }))).rejects.toMatchObject(invalid);
    await expect(tokens.verify(await forge({ typ: 'causeloop-principal+jwt' }))).rejects.toMatchObject(invalid);
  });

  it('refuses an expired token, a wrong issuer and a wrong audience', async () => {
    await expect(tokens.verify(await forge({ exp: Math.floor(Date.now() / 1000) - 1 }))).rejects.toMatchObject(invalid);
    await expect(tokens.verify(await forge({ iss: 'someone-else' }))).rejects.toMatchObject(invalid);
    await expect(tokens.verify(await forge({ aud: 'causeloop-services' }))).rejects.toMatchObject(invalid);
  });

  it('refuses a tampered payload and a truncated signature', async () => {
    const { token } = await tokens.issue(claims);
    await expect(tokens.verify(withTamperedPayload(token, { role: 'owner' }))).rejects.toMatchObject(invalid);
    await expect(tokens.verify(withTamperedPayload(token, { workspace_id: 'other' }))).rejects.toMatchObject(invalid);
    await expect(tokens.verify(withTruncatedSignature(token))).rejects.toMatchObject(invalid);
    await expect(tokens.verify(`${token.split('.').slice(0, 2).join('.')}.`)).rejects.toMatchObject(invalid);
  });

  it('refuses a token signed with another secret', async () => {
    const other = createAccessTokens({ ...options, secret: 'another-secret-that-is-32-bytes-or-more' });
    const { token } = await other.issue(claims);
    await expect(tokens.verify(token)).rejects.toMatchObject(invalid);
  });

  it('refuses garbage without leaking detail', async () => {
    for (const garbage of ['', 'a.b.c', 'not a jwt', generateLongString()])
      await expect(tokens.verify(garbage)).rejects.toMatchObject(invalid);
  });

  it('refuses a secret under 32 bytes at creation', () => {
    expect(() => createAccessTokens({ ...options, secret: 'x'.repeat(31) })).toThrow(
      expect.objectContaining({ code: 'config_invalid' }),
    );
    expect(() => createAccessTokens({ ...options, ttlSeconds: 0 })).toThrow();
  });
});

function generateLongString(): string {
  return 'eyJ'.repeat(10_000);
}
