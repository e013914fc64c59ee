import { metric, metricCatalogue, type Counter, type Registry } from '@causeloop/platform/metrics';

/** `kind` label: which credential was presented (`unknown` when it is none of ours). */
export type CredentialKind = 'access' | 'personal_access' | 'service_account' | 'identity_provider' | 'refresh' | 'unknown';

/** `outcome` label: a closed set, so a probe cannot mint series. */
export const authenticationOutcomes = [
  'ok',
  'malformed',
  'not_found',
  'invalid',
  'expired',
  'revoked',
  'inactive',
  'reused',
] as const;
export type AuthenticationOutcome = (typeof authenticationOutcomes)[number];

const credentialKinds: readonly CredentialKind[] = [
  'access',
  'personal_access',
  'service_account',
  'identity_provider',
  'refresh',
  'unknown',
];

export interface AuthMetrics {
  /** Shared with the gate of every service, which counts under `site="gate"`. */
  readonly authentications: Counter<'site' | 'kind' | 'outcome'>;
  readonly tokenOperations: Counter<'operation'>;
}

/**
 * The auth service's domain metrics on the process registry made in main.ts. Labels are
 * closed sets: never a workspace, user or token.
 */
export function createAuthMetrics(registry: Registry): AuthMetrics {
  const metrics: AuthMetrics = {
    authentications: metric(registry, metricCatalogue.auth.authentications),
    tokenOperations: metric(registry, metricCatalogue.auth.tokenOperations),
  };
  for (const kind of credentialKinds) {
    for (const outcome of ['ok', 'invalid'] as const) metrics.authentications.inc({ site: 'auth', kind, outcome }, 0);
  }
  return metrics;
}

export function countAuthentication(metrics: AuthMetrics, kind: CredentialKind, outcome: AuthenticationOutcome): void {
  metrics.authentications.inc({ site: 'auth', kind, outcome });
}
