import { hash } from 'node:crypto';
import { create } from '@bufbuild/protobuf';
import { timestampFromMs, timestampMs } from '@bufbuild/protobuf/wkt';
import {
  PrincipalSchema,
  TokenKind,
  type Principal,
} from '@causeloop/proto/causeloop/common/v1/principal_pb.js';
import {
  exportPKCS8,
  exportSPKI,
  generateKeyPair,
  importPKCS8,
  importSPKI,
  jwtVerify,
  SignJWT,
  type JWTPayload,
} from 'jose';
import { CauseloopError } from '../errors/causeloop-error.js';
import { createExpiringMap } from './expiring-map.js';
import { isRoleName, roleFromProto, roleToProto } from './scope-catalogue.js';

/**
 * Principal assertions: the short-lived signed statement of who a request acts as, which
 * the gateway forwards and backend services verify locally (DESIGN §6). Ed25519, so
 * services hold only a public key and cannot mint assertions themselves.
 */
const algorithm = 'EdDSA';
const assertionIssuer = 'causeloop-auth';
const assertionAudience = 'causeloop-services';
const assertionType = 'causeloop-principal+jwt';
/** Hosts in one cluster keep NTP time; a little slack avoids refusing fresh assertions. */
const clockToleranceSeconds = 5;

export interface AssertionKeyPair {
  readonly privateKeyPem: string;
  readonly publicKeyPem: string;
}

export interface AssertionSignerOptions {
  readonly privateKeyPem: string;
  /** Assertion lifetime; default 60. Never beyond the credential's own expiry. */
  readonly ttlSeconds?: number;
}

export interface AssertionSigner {
  sign(principal: Principal): Promise<string>;
}

export interface AssertionVerifierOptions {
  readonly publicKeyPem: string;
  /** Verified assertions remembered at most; default 10 000 (≈ 1.5 MB). */
  readonly maxRemembered?: number;
}

export interface AssertionVerifier {
  verify(assertion: string): Promise<Principal>;
}

const tokenKindNames: ReadonlyMap<TokenKind, string> = new Map([
  [TokenKind.ACCESS, 'access'],
  [TokenKind.PERSONAL_ACCESS, 'personal_access'],
  [TokenKind.SERVICE_ACCOUNT, 'service_account'],
]);
const tokenKindsByName: ReadonlyMap<string, TokenKind> = new Map(
  [...tokenKindNames].map(([kind, name]) => [name, kind]),
);

export async function generateAssertionKeyPair(): Promise<AssertionKeyPair> {
  const { privateKey, publicKey } = await generateKeyPair(algorithm, { extractable: true });
  return { privateKeyPem: await exportPKCS8(privateKey), publicKeyPem: await exportSPKI(publicKey) };
}

export function createAssertionSigner(options: AssertionSignerOptions): AssertionSigner {
  const ttlSeconds = options.ttlSeconds ?? 60;
  if (!Number.isInteger(ttlSeconds) || ttlSeconds <= 0) {
    throw new CauseloopError('config_invalid', 'the assertion lifetime must be a positive whole number of seconds');
  }
  // Imported once, on first use; a bad PEM fails every sign rather than crashing at import.
  const key = importPKCS8(options.privateKeyPem, algorithm);
  key.catch(() => undefined);

  return {
    async sign(principal) {
      const role = roleFromProto(principal.role);
      const tokenKind = tokenKindNames.get(principal.tokenKind);
      if (role === undefined || tokenKind === undefined || principal.subjectId === '' || principal.workspaceId === '') {
        throw new CauseloopError('invalid_argument', 'the principal needs a subject, workspace, role and token kind');
      }
      const now = Date.now();
      const credentialExpiresAtMs = principal.expiresAt === undefined ? undefined : timestampMs(principal.expiresAt);
      // The assertion never outlives the credential it vouches for.
      const expMs = Math.min(now + ttlSeconds * 1000, credentialExpiresAtMs ?? Infinity);
      const payload: JWTPayload = {
        workspace_id: principal.workspaceId,
        role,
        scope: principal.scopes.join(' '),
        token_kind: tokenKind,
      };
      if (credentialExpiresAtMs !== undefined) payload['credential_expires_at'] = credentialExpiresAtMs;
      if (principal.displayName !== '') payload['name'] = principal.displayName;
      return new SignJWT(payload)
        .setProtectedHeader({ alg: algorithm, typ: assertionType })
        .setSubject(principal.subjectId)
        .setIssuer(assertionIssuer)
        .setAudience(assertionAudience)
        .setIssuedAt(Math.floor(now / 1000))
        .setExpirationTime(Math.floor(expMs / 1000))
        .sign(await key);
    },
  };
}

/**
 * Verifies assertions, remembering each one that verified until it expires. The gateway
 * forwards the same assertion with every request of a caller for up to a minute, and the
 * Ed25519 check was a third of a backend's CPU per call (auth serving ListScopes). What is
 * remembered is keyed by the assertion's SHA-256, so only the very bytes that verified
 * match (a changed character is a different key, checked in full), and it is used only
 * before `exp` plus the clock tolerance, the one check that changes with time. Refusals
 * are not remembered: each is checked again.
 */
export function createAssertionVerifier(options: AssertionVerifierOptions): AssertionVerifier {
  const key = importSPKI(options.publicKeyPem, algorithm);
  key.catch(() => undefined);
  const verified = createExpiringMap<JWTPayload>({ maxEntries: options.maxRemembered ?? 10_000 });

  return {
    async verify(assertion) {
      const digest = hash('sha256', assertion, 'base64');
      const remembered = verified.get(digest);
      // A fresh Principal each time: callers may hold or change what they were given.
      if (remembered !== undefined) return principalFrom(remembered);
      try {
        const { payload } = await jwtVerify(assertion, await key, {
          algorithms: [algorithm],
          issuer: assertionIssuer,
          audience: assertionAudience,
          typ: assertionType,
          clockTolerance: clockToleranceSeconds,
          requiredClaims: ['sub', 'exp', 'iat'],
        });
        const principal = principalFrom(payload);
        // jwtVerify required a numeric exp; jose refuses it once exp <= now - tolerance.
        verified.set(digest, payload, ((payload.exp as number) + clockToleranceSeconds) * 1000);
        return principal;
      } catch (error) {
        throw new CauseloopError('unauthenticated', 'invalid principal assertion', { cause: error });
      }
    },
  };
}

function principalFrom(payload: JWTPayload): Principal {
  const { sub, workspace_id: workspaceId, role, scope, token_kind: tokenKindName } = payload;
  const { credential_expires_at: credentialExpiresAt, name } = payload;
  const tokenKind = typeof tokenKindName === 'string' ? tokenKindsByName.get(tokenKindName) : undefined;
  if (
    typeof sub !== 'string' || sub === '' ||
    typeof workspaceId !== 'string' || workspaceId === '' ||
    typeof role !== 'string' || !isRoleName(role) ||
    typeof scope !== 'string' ||
    tokenKind === undefined ||
    (credentialExpiresAt !== undefined && typeof credentialExpiresAt !== 'number') ||
    (name !== undefined && typeof name !== 'string')
  ) {
    throw new Error('malformed principal claims');
  }
  return create(PrincipalSchema, {
    subjectId: sub,
    workspaceId,
    role: roleToProto(role),
    scopes: scope === '' ? [] : scope.split(' '),
    tokenKind,
    ...(typeof credentialExpiresAt === 'number' ? { expiresAt: timestampFromMs(credentialExpiresAt) } : {}),
    ...(typeof name === 'string' ? { displayName: name } : {}),
  });
}
