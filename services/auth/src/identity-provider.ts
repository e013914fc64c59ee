import {
  createLocalJWKSet,
  createRemoteJWKSet,
  customFetch,
  jwtVerify,
  type FetchImplementation,
  type JWSHeaderParameters,
  type FlattenedJWSInput,
} from 'jose';
import { CauseloopError, isCauseloopError } from '@causeloop/platform/errors';

export interface IdentityProviderVerifierOptions {
  /** `IDP_JWKS_URL`. */
  readonly jwksUrl: string;
  readonly issuer: string;
  readonly audience: string;
  /** Allowlist of asymmetric algorithms; default `['RS256']`. HS* and none are refused. */
  readonly algorithms?: readonly string[];
  /** Tolerated clock skew for `exp` and `nbf`; default 30. */
  readonly clockToleranceSeconds?: number;
  /** How old the keys may get before a background refresh; default 600. */
  readonly refreshIntervalSeconds?: number;
  /** How long the last good keys keep serving while the provider is down; default 86,400. */
  readonly maxStaleSeconds?: number;
  /** After a successful fetch, how long an unknown `kid` is refused without a new fetch; default 30. */
  readonly unknownKidCooldownSeconds?: number;
  /** Per-fetch timeout; default 5,000. */
  readonly fetchTimeoutMs?: number;
}

export interface IdentityClaims {
  readonly issuer: string;
  readonly subject: string;
  readonly email?: string;
  readonly emailVerified: boolean;
  readonly name?: string;
}

export interface IdentityProviderVerifier {
  verify(jwt: string): Promise<IdentityClaims>;
}

/** Only signatures checked with the provider's public keys; HS* would let a public key sign. */
const asymmetricAlgorithms = new Set([
  'RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519',
]);
const firstBackoffMs = 1_000;
const maxBackoffMs = 60_000;

/**
 * Verifies identity-provider session JWTs against the provider's JWKS (DESIGN §6).
 *
 * jose's remote JWKS already ignores `jku`, `x5u` and embedded `jwk` headers (keys come
 * only from the configured URL, chosen by `alg` and `kid`), deduplicates concurrent
 * fetches, and refetches for an unknown `kid` at most once per cooldown after a
 * successful fetch. It does not serve stale keys: once its cache passes `cacheMaxAge` it
 * awaits a refetch and fails the request if the provider is down, and it does not back
 * off after failures (each request may fetch again). So jose's cache is told never to
 * expire, refreshes are driven from here (in the background, keeping the last good keys
 * on failure, up to `maxStaleSeconds`), and the fetch function backs off exponentially
 * after a failed or malformed answer.
 */
export function createIdentityProviderVerifier(
  options: IdentityProviderVerifierOptions,
): IdentityProviderVerifier {
  const algorithms = [...(options.algorithms ?? ['RS256'])];
  const refused = algorithms.filter((alg) => !asymmetricAlgorithms.has(alg));
  if (algorithms.length === 0 || refused.length > 0) {
    throw new CauseloopError(
      'config_invalid',
      `identity-provider algorithms must be asymmetric; refused: ${refused.join(', ')}`,
    );
  }
  const { issuer, audience } = options;
  const clockTolerance = options.clockToleranceSeconds ?? 30;
  const refreshMs = (options.refreshIntervalSeconds ?? 600) * 1000;
  const maxStaleMs = (options.maxStaleSeconds ?? 86_400) * 1000;

  let lastSuccessAt: number | undefined;
  let failures = 0;
  let retryAt = 0;

  const fetchWithBackoff: FetchImplementation = async (url, init) => {
    if (Date.now() < retryAt) throw new Error('JWKS fetch backing off after a failure');
    try {
      const response = await fetch(url, init);
      if (response.status !== 200) {
        await response.body?.cancel();
        throw new Error(`JWKS answered HTTP ${response.status}`);
      }
      const text = await response.text();
      // The same check jose makes, done here so a malformed answer also counts as a failure.
      createLocalJWKSet(JSON.parse(text));
      failures = 0;
      retryAt = 0;
      lastSuccessAt = Date.now();
      return new Response(text, { status: 200, headers: { 'content-type': 'application/json' } });
    } catch (error) {
      failures += 1;
      retryAt = Date.now() + Math.min(maxBackoffMs, firstBackoffMs * 2 ** (failures - 1));
      throw error;
    }
  };

  const remoteKeys = createRemoteJWKSet(new URL(options.jwksUrl), {
    cacheMaxAge: Infinity,
    cooldownDuration: (options.unknownKidCooldownSeconds ?? 30) * 1000,
    timeoutDuration: options.fetchTimeoutMs ?? 5_000,
    [customFetch]: fetchWithBackoff,
  });

  const keyFor = async (header: JWSHeaderParameters, token: FlattenedJWSInput) => {
    if (lastSuccessAt !== undefined) {
      const age = Date.now() - lastSuccessAt;
      if (age > maxStaleMs) {
        // Too old to trust without the provider's word: wait for a refresh.
        await remoteKeys.reload().catch(() => undefined);
        if (lastSuccessAt === undefined || Date.now() - lastSuccessAt > maxStaleMs) {
          throw new CauseloopError('unavailable', 'identity provider keys unavailable');
        }
      } else if (age > refreshMs) {
        // Stale-while-revalidate, and stale-if-error: a failed refresh leaves the old keys.
        void remoteKeys.reload().catch(() => undefined);
      }
    }
    try {
      return await remoteKeys(header, token);
    } catch (error) {
      // Never had keys: the provider is unreachable, not the token wrong.
      if (lastSuccessAt === undefined) {
        throw new CauseloopError('unavailable', 'identity provider keys unavailable', { cause: error });
      }
      throw invalid(error);
    }
  };

  return {
    async verify(jwt) {
      try {
        const { payload } = await jwtVerify(jwt, keyFor, {
          algorithms,
          issuer,
          audience,
          clockTolerance,
          requiredClaims: ['sub', 'exp'],
        });
        const { iss, sub, email, email_verified: emailVerified, name } = payload;
        if (typeof iss !== 'string' || typeof sub !== 'string' || sub === '') throw invalid();
        return {
          issuer: iss,
          subject: sub,
          ...(typeof email === 'string' ? { email } : {}),
          // Only an explicit true counts: an unverified email must never link accounts.
          emailVerified: emailVerified === true,
          ...(typeof name === 'string' ? { name } : {}),
        };
      } catch (error) {
        if (isCauseloopError(error)) throw error;
        throw invalid(error);
      }
    },
  };
}

function invalid(cause?: unknown): CauseloopError {
  return new CauseloopError('unauthenticated', 'invalid identity token', cause === undefined ? {} : { cause });
}
