import { exportJWK, exportSPKI, generateKeyPair, importJWK, SignJWT, type JWK } from 'jose';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  decodePart,
  startLocalIdentityProvider,
  unsecuredToken,
  withTamperedPayload,
  withTruncatedSignature,
  type LocalIdentityProvider,
} from '@causeloop/platform/testing';
import { createIdentityProviderVerifier } from '../../src/identity-provider.js';

const invalid = { code: 'unauthenticated', message: 'invalid identity token' };
const user = { sub: 'idp|ada', email: 'ada@example.com', email_verified: true, name: 'Ada' };

let provider: LocalIdentityProvider;

beforeEach(async () => {
  provider = await startLocalIdentityProvider({ issuer: 'https://idp.test', audience: 'causeloop' });
});
afterEach(async () => {
  await provider.close();
});

function verifierFor(extra: { refreshIntervalSeconds?: number; clockToleranceSeconds?: number } = {}) {
  return createIdentityProviderVerifier({
    jwksUrl: provider.jwksUrl,
    issuer: provider.issuer,
    audience: provider.audience,
    ...extra,
  });
}

describe('identity-provider verifier, against a local JWKS server', () => {
  it('accepts a valid RS256 token and reads its claims', async () => {
    const verifier = verifierFor();
    const claims = await verifier.verify(await provider.issueToken(user));
    expect(claims).toEqual({
      issuer: 'https://idp.test',
      subject: 'idp|ada',
      email: 'ada@example.com',
      emailVerified: true,
      name: 'Ada',
    });
    expect(provider.requests).toBe(1);
  });

  it('treats a missing or non-boolean email_verified as unverified', async () => {
    const verifier = verifierFor();
    const { email_verified: _, ...unverified } = user;
    expect((await verifier.verify(await provider.issueToken(unverified))).emailVerified).toBe(false);
    const stringly = { ...unverified, email_verified: 'true' } as unknown as typeof user;
    expect((await verifier.verify(await provider.issueToken(stringly))).emailVerified).toBe(false);
  });

  it('refuses alg none, without fetching keys', async () => {
    const verifier = verifierFor();
    const payload = decodePart(await provider.issueToken(user), 1);
    await expect(verifier.verify(unsecuredToken(payload, { kid: provider.currentKid }))).rejects.toMatchObject(invalid);
    expect(provider.requests).toBe(0);
  });

  it('refuses HS256 signed with the RSA public key as the HMAC secret (algorithm confusion)', async () => {
    const verifier = verifierFor();
    await verifier.verify(await provider.issueToken(user)); // keys cached
    const response = await fetch(provider.jwksUrl);
    const { keys } = (await response.json()) as { keys: JWK[] };
    const publicJwk = keys[0];
    if (publicJwk === undefined) throw new Error('no key served');
    const publicKey = await importJWK({ ...publicJwk, ext: true }, 'RS256');
    if (publicKey instanceof Uint8Array) throw new Error('expected a public key');
    const pem = await exportSPKI(publicKey);
    for (const secret of [new TextEncoder().encode(pem), new TextEncoder().encode(JSON.stringify(publicJwk))]) {
      const forged = await new SignJWT({ ...user })
        .setProtectedHeader({ alg: 'HS256', kid: provider.currentKid })
        .setIssuer(provider.issuer)
        .setAudience(provider.audience)
        .setExpirationTime('5m')
        .sign(secret);
      await expect(verifier.verify(forged)).rejects.toMatchObject(invalid);
    }
  });

  it('refuses an expired token and a not-yet-valid one, beyond the clock tolerance', async () => {
    const verifier = verifierFor();
    const now = Math.floor(Date.now() / 1000);
    await expect(verifier.verify(await provider.issueToken(user, { expiresIn: now - 31 }))).rejects.toMatchObject(invalid);
    await expect(verifier.verify(await provider.issueToken(user, { notBefore: '2m' }))).rejects.toMatchObject(invalid);
    // Inside the 30 s tolerance both still pass: clocks drift.
    await expect(verifier.verify(await provider.issueToken(user, { expiresIn: now - 5 }))).resolves.toBeDefined();
    await expect(verifier.verify(await provider.issueToken(user, { notBefore: '5s' }))).resolves.toBeDefined();
  });

  it('refuses a wrong issuer and a wrong audience', async () => {
    const verifier = verifierFor();
    await expect(verifier.verify(await provider.issueToken(user, { issuer: 'https://evil.test' }))).rejects.toMatchObject(invalid);
    await expect(verifier.verify(await provider.issueToken(user, { audience: 'someone-else' }))).rejects.toMatchObject(invalid);
  });

  it('refuses an algorithm outside the allowlist even when the key could verify it', async () => {
    const verifier = verifierFor();
    await expect(verifier.verify(await provider.issueToken(user, { algorithm: 'RS512' }))).rejects.toMatchObject(invalid);
    await expect(verifier.verify(await provider.issueToken(user, { algorithm: 'PS256' }))).rejects.toMatchObject(invalid);
  });

  it('refuses a tampered payload and a truncated signature', async () => {
    const verifier = verifierFor();
    const token = await provider.issueToken(user);
    await expect(verifier.verify(withTamperedPayload(token, { sub: 'idp|root' }))).rejects.toMatchObject(invalid);
    await expect(verifier.verify(withTamperedPayload(token, { email: 'root@example.com' }))).rejects.toMatchObject(invalid);
    await expect(verifier.verify(withTruncatedSignature(token))).rejects.toMatchObject(invalid);
  });

  it('refuses a token carrying its own key in an embedded jwk header', async () => {
    const verifier = verifierFor();
    const attacker = await generateKeyPair('RS256', { extractable: true });
    const attackerJwk = await exportJWK(attacker.publicKey);
    for (const kid of [provider.currentKid, undefined]) {
      const forged = await new SignJWT({ ...user })
        .setProtectedHeader({ alg: 'RS256', jwk: attackerJwk, ...(kid === undefined ? {} : { kid }) })
        .setIssuer(provider.issuer)
        .setAudience(provider.audience)
        .setExpirationTime('5m')
        .sign(attacker.privateKey);
      await expect(verifier.verify(forged)).rejects.toMatchObject(invalid);
    }
  });

  it('refuses a jku header pointing at an attacker key set, without fetching it', async () => {
    const verifier = verifierFor();
    const attacker = await startLocalIdentityProvider({ issuer: provider.issuer, audience: provider.audience });
    try {
      const forged = await attacker.issueToken(user);
      const [, payload, signature] = forged.split('.');
      const header = Buffer.from(JSON.stringify({ ...decodePart(forged, 0), jku: attacker.jwksUrl })).toString('base64url');
      // Re-signing is unnecessary: what matters is that the attacker's JWKS is never fetched.
      await expect(verifier.verify(`${header}.${payload}.${signature}`)).rejects.toMatchObject(invalid);
      await expect(verifier.verify(forged)).rejects.toMatchObject(invalid);
      expect(attacker.requests).toBe(0);
    } finally {
      await attacker.close();
    }
  });

  it('refuses an unknown kid, and a burst of 20 random kids costs at most one extra fetch', async () => {
    const verifier = verifierFor();
    await verifier.verify(await provider.issueToken(user));
    expect(provider.requests).toBe(1);
    await expect(verifier.verify(await provider.issueToken(user, { kid: 'unknown' }))).rejects.toMatchObject(invalid);
    const burst = await Promise.all(
      Array.from({ length: 20 }, async (_, i) => provider.issueToken(user, { kid: `random-${i}` })),
    );
    const results = await Promise.allSettled(burst.map((token) => verifier.verify(token)));
    expect(results.every((result) => result.status === 'rejected')).toBe(true);
    // Sequentially too, after the burst.
    for (let i = 0; i < 5; i += 1)
      await expect(verifier.verify(await provider.issueToken(user, { kid: `again-${i}` }))).rejects.toMatchObject(invalid);
    expect(provider.requests).toBeLessThanOrEqual(2);
  });

  it('after the cooldown, a concurrent burst of 20 unknown kids shares one fetch', async () => {
    const verifier = createIdentityProviderVerifier({
      jwksUrl: provider.jwksUrl,
      issuer: provider.issuer,
      audience: provider.audience,
      unknownKidCooldownSeconds: 0.2,
    });
    await verifier.verify(await provider.issueToken(user));
    await new Promise((resolve) => setTimeout(resolve, 250));
    const burst = await Promise.all(
      Array.from({ length: 20 }, async (_, i) => provider.issueToken(user, { kid: `random-${i}` })),
    );
    const results = await Promise.allSettled(burst.map((token) => verifier.verify(token)));
    expect(results.map((result) => result.status)).toEqual(Array.from({ length: 20 }, () => 'rejected'));
    expect(provider.requests).toBe(2);
  });

  it('follows key rotation by kid once the cooldown allows a refetch', async () => {
    const verifier = createIdentityProviderVerifier({
      jwksUrl: provider.jwksUrl,
      issuer: provider.issuer,
      audience: provider.audience,
      unknownKidCooldownSeconds: 0,
    });
    await verifier.verify(await provider.issueToken(user));
    const oldToken = await provider.issueToken(user);
    const oldKid = provider.currentKid;
    const newKid = await provider.rotateKey();
    expect(newKid).not.toBe(oldKid);
    expect(provider.currentKid).toBe(newKid);
    await expect(verifier.verify(await provider.issueToken(user))).resolves.toMatchObject({ subject: 'idp|ada' });
    expect(provider.requests).toBe(2);
    // The old key left the set, so tokens it signed no longer verify.
    await expect(verifier.verify(oldToken)).rejects.toMatchObject(invalid);
  });

  it('keeps verifying with the last good keys while the provider is down, and backs off', async () => {
    // Keys count as stale after 50 ms, so every verification below wants a refresh.
    const verifier = createIdentityProviderVerifier({
      jwksUrl: provider.jwksUrl,
      issuer: provider.issuer,
      audience: provider.audience,
      refreshIntervalSeconds: 0.05,
    });
    await verifier.verify(await provider.issueToken(user));
    provider.setDown(true);
    await new Promise((resolve) => setTimeout(resolve, 100));
    for (let i = 0; i < 20; i += 1) {
      await expect(verifier.verify(await provider.issueToken(user))).resolves.toMatchObject({ subject: 'idp|ada' });
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
    // One success, then one failed refresh; the backoff holds off the rest.
    expect(provider.requests).toBe(2);
  });

  it('answers unavailable when the provider is down and no keys were ever fetched', async () => {
    provider.setDown(true);
    const verifier = verifierFor();
    const token = await provider.issueToken(user);
    await expect(verifier.verify(token)).rejects.toMatchObject({ code: 'unavailable' });
    // Backing off: the next attempt does not reach the provider.
    await expect(verifier.verify(token)).rejects.toMatchObject({ code: 'unavailable' });
    expect(provider.requests).toBe(1);
  });

  it('refuses symmetric or empty algorithm lists at creation', () => {
    for (const algorithms of [['HS256'], ['none'], ['RS256', 'HS512'], []])
      expect(() =>
        createIdentityProviderVerifier({ jwksUrl: provider.jwksUrl, issuer: 'x', audience: 'y', algorithms }),
      ).toThrow(expect.objectContaining({ code: 'config_invalid' }));
  });
});
