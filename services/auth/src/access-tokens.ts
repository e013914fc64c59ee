import { randomUUID } from 'node:crypto';
import { SignJWT, jwtVerify, type JWTPayload } from 'jose';
import { CauseloopError } from '@causeloop/platform/errors';
import { isRoleName, isScope, type RoleName, type Scope } from '@causeloop/platform/identity';

export interface AccessTokensOptions {
  /** `JWT_SECRET`; at least 32 bytes, since anyone holding it can impersonate anyone. */
  readonly secret: string;
  readonly issuer: string;
  readonly audience: string;
  readonly ttlSeconds: number;
}

export interface AccessTokenClaims {
  readonly subjectId: string;
  readonly workspaceId: string;
  readonly role: RoleName;
  readonly scopes: readonly Scope[];
  readonly displayName?: string;
}

export type VerifiedAccessToken = AccessTokenClaims & { readonly expiresAt: Date };

export interface AccessTokens {
  issue(claims: AccessTokenClaims): Promise<{ token: string; expiresAt: Date }>;
  verify(token: string): Promise<VerifiedAccessToken>;
}

const algorithm = 'HS256';
/** RFC 9068's type for JWT access tokens; a token minted for another purpose lacks it. */
const tokenType = 'at+jwt';
const minimumSecretBytes = 32;

/**
 * Causeloop's own access tokens: HS256 JWTs (DESIGN §6) with an explicit `typ`, issuer,
 * audience, short lifetime and a unique `jti`. The verifier accepts HS256 only, so a token
 * that names another algorithm (none, RS256 with our secret as a "public key", …) never
 * reaches a signature check.
 */
export function createAccessTokens(options: AccessTokensOptions): AccessTokens {
  const secretBytes = Buffer.from(options.secret, 'utf8');
  if (secretBytes.length < minimumSecretBytes) {
    throw new CauseloopError('config_invalid', `the access-token secret must be at least ${minimumSecretBytes} bytes`);
  }
  if (!Number.isInteger(options.ttlSeconds) || options.ttlSeconds <= 0) {
    throw new CauseloopError('config_invalid', 'the access-token lifetime must be a positive whole number of seconds');
  }
  // Imported once: jose verifies about three times faster with a CryptoKey than with raw
  // bytes, which it would otherwise import on every call.
  const key = crypto.subtle.importKey('raw', secretBytes, { name: 'HMAC', hash: 'SHA-256' }, false, [
    'sign',
    'verify',
  ]);
  const { issuer, audience, ttlSeconds } = options;

  return {
    async issue(claims) {
      const issuedAt = Math.floor(Date.now() / 1000);
      const expiresAtSeconds = issuedAt + ttlSeconds;
      const payload: JWTPayload = {
        workspace_id: claims.workspaceId,
        role: claims.role,
        // RFC 9068 / RFC 8693 carry scopes as one space-separated string.
        scope: claims.scopes.join(' '),
      };
      if (claims.displayName !== undefined) payload['name'] = claims.displayName;
      const token = await new SignJWT(payload)
        .setProtectedHeader({ alg: algorithm, typ: tokenType })
        .setSubject(claims.subjectId)
        .setIssuer(issuer)
        .setAudience(audience)
        .setIssuedAt(issuedAt)
        .setExpirationTime(expiresAtSeconds)
        .setJti(randomUUID())
        .sign(await key);
      return { token, expiresAt: new Date(expiresAtSeconds * 1000) };
    },

    async verify(token) {
      try {
        const { payload } = await jwtVerify(token, await key, {
          algorithms: [algorithm],
          issuer,
          audience,
          typ: tokenType,
          requiredClaims: ['sub', 'exp', 'iat', 'jti'],
        });
        return claimsFrom(payload);
      } catch (error) {
        // One message for every failure: which check failed would help an attacker.
        throw new CauseloopError('unauthenticated', 'invalid access token', { cause: error });
      }
    },
  };
}

function claimsFrom(payload: JWTPayload): VerifiedAccessToken {
  const { sub, exp, workspace_id: workspaceId, role, scope, name } = payload;
  if (typeof sub !== 'string' || sub === '' || typeof exp !== 'number') throw malformed();
  if (typeof workspaceId !== 'string' || workspaceId === '') throw malformed();
  if (typeof role !== 'string' || !isRoleName(role)) throw malformed();
  if (typeof scope !== 'string') throw malformed();
  const scopes = scope === '' ? [] : scope.split(' ');
  // Our own tokens only carry catalogue scopes; anything else means the token is not ours.
  if (!scopes.every(isScope)) throw malformed();
  const claims: VerifiedAccessToken = {
    subjectId: sub,
    workspaceId,
    role,
    scopes,
    expiresAt: new Date(exp * 1000),
  };
  return typeof name === 'string' ? { ...claims, displayName: name } : claims;
}

function malformed(): CauseloopError {
  return new CauseloopError('unauthenticated', 'invalid access token');
}
