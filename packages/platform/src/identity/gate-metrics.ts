import type { Counter, Registry } from 'prom-client';
import { isCauseloopError } from '../errors/causeloop-error.js';
import { metricCatalogue } from '../metrics/catalogue.js';
import { metric } from '../metrics/metric.js';
import type { PresentedCredential } from './resolve-principal.js';

/** How resolving a caller ended: `expired` only where it is knowable (a principal assertion); auth answers one refusal for every bad token. */
export type AuthenticationResult = 'ok' | 'missing' | 'invalid' | 'expired' | 'error';
export type DenialReason = 'unauthenticated' | 'insufficient_scope' | 'internal_only';

/** The gate's counters; every label value comes from the closed sets above (bounded). */
export interface GateMetrics {
  /** Shared with the auth service, which counts under `site="auth"`. */
  readonly authentications: Counter<'site' | 'kind' | 'outcome'>;
  readonly denied: Counter<'reason'>;
}

/** The gate's metrics on `registry`: a process guards several services with one registry. */
export function createGateMetrics(registry: Registry): GateMetrics {
  return {
    authentications: metric(registry, metricCatalogue.auth.authentications),
    denied: metric(registry, metricCatalogue.auth.callsDenied),
  };
}

/** Counts one caller resolution at the gate. */
export function countGateAuthentication(metrics: GateMetrics, outcome: AuthenticationResult, credential: PresentedCredential): void {
  metrics.authentications.inc({ site: 'gate', kind: credential, outcome });
}

/** The outcome label of a failed resolution. A failure that is no refusal (auth down) is `error`. */
export function authenticationFailure(error: unknown, credential: PresentedCredential): Exclude<AuthenticationResult, 'ok'> {
  if (!isCauseloopError(error) || error.code !== 'unauthenticated') return 'error';
  if (credential === 'none') return 'missing';
  const cause = error.cause as { code?: unknown } | undefined;
  return cause?.code === 'ERR_JWT_EXPIRED' ? 'expired' : 'invalid';
}
