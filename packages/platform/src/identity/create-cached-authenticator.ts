import { hash } from 'node:crypto';
import { timestampMs } from '@bufbuild/protobuf/wkt';
import { isCauseloopError } from '../errors/causeloop-error.js';
import type { Principal } from '@causeloop/proto/causeloop/common/v1/principal_pb.js';
import { createExpiringMap } from './expiring-map.js';

/** What auth's `Authenticate` answers: the principal and its signed assertion. */
export interface Authentication {
  readonly principal: Principal;
  /** Compact JWS forwarded to backends in `x-causeloop-principal`. */
  readonly assertion: string;
}

export interface Authenticator {
  authenticate(token: string): Promise<Authentication>;
}

export interface CachedAuthenticatorOptions {
  /** The uncached call, e.g. auth's `Authenticate` over gRPC. */
  readonly authenticate: (token: string) => Promise<Authentication>;
  /** Upper bound of a positive answer's life (DESIGN §6: a short cache). Default 30 s. */
  readonly maxTtlMs?: number;
  /** Life of a refusal, so a bad token hammered in a loop costs auth one call per period. Default 5 s. */
  readonly negativeTtlMs?: number;
  /** Entries kept at most; the oldest go first. Default 10 000. */
  readonly maxEntries?: number;
  readonly now?: () => number;
}

/** Forwarded assertions must still verify when the backend checks them, after the call's own latency. */
const assertionMarginMs = 10_000;

type Entry = { readonly ok: true; readonly value: Authentication } | { readonly ok: false; readonly error: unknown };

/**
 * Authenticate with a short cache, keyed by the token's SHA-256 so no token sits in memory
 * as a map key. A positive answer lives at most `maxTtlMs`, never past the principal's
 * `expires_at`, and never so long that the forwarded assertion would expire in flight.
 * Concurrent requests with one token share one call (single flight). Only a definite
 * refusal (`unauthenticated`) is cached; auth being down or slow is not, so it heals at
 * once. The price: a revoked token keeps working for up to `maxTtlMs` (30 s) here.
 * One cache for both paths (DESIGN §6): the gateway, and backends resolving bearer tokens
 * of direct gRPC callers through auth's `Authenticate`.
 */
export function createCachedAuthenticator(options: CachedAuthenticatorOptions): Authenticator {
  const maxTtlMs = options.maxTtlMs ?? 30_000;
  const negativeTtlMs = options.negativeTtlMs ?? 5_000;
  const maxEntries = options.maxEntries ?? 10_000;
  const now = options.now ?? Date.now;
  const entries = createExpiringMap<Entry>({ maxEntries, now });
  const inFlight = new Map<string, Promise<Authentication>>();

  const load = async (key: string, token: string): Promise<Authentication> => {
    try {
      const value = await options.authenticate(token);
      const started = now();
      const principalExpiry = value.principal.expiresAt === undefined ? Infinity : timestampMs(value.principal.expiresAt);
      const assertionExpiry = assertionExpiresAtMs(value.assertion) - assertionMarginMs;
      entries.set(key, { ok: true, value }, Math.min(started + maxTtlMs, principalExpiry, assertionExpiry));
      return value;
    } catch (error) {
      if (isCauseloopError(error) && error.code === 'unauthenticated') {
        entries.set(key, { ok: false, error }, now() + negativeTtlMs);
      }
      throw error;
    }
  };

  return {
    async authenticate(token) {
      // One-shot `hash`: no Hash object per request, as `createHash` would make.
      const key = hash('sha256', token, 'hex');
      const cached = entries.get(key);
      if (cached !== undefined) {
        if (cached.ok) return cached.value;
        throw cached.error;
      }
      const pending = inFlight.get(key);
      if (pending !== undefined) return pending;
      const loading = load(key, token).finally(() => inFlight.delete(key));
      inFlight.set(key, loading);
      return loading;
    },
  };
}

/** The `exp` of a compact JWS, read without verifying: only to bound the cache, the backend verifies. */
function assertionExpiresAtMs(assertion: string): number {
  const payload = assertion.split('.')[1];
  if (payload === undefined) return 0;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { exp?: unknown };
    return typeof claims.exp === 'number' ? claims.exp * 1000 : 0;
  } catch {
    return 0;
  }
}
