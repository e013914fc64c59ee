import { Counter, type Registry } from '@causeloop/platform/metrics';

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
  readonly authentications: Counter<'kind' | 'outcome'>;
  readonly tokenOperations: Counter<'operation'>;
}

/**
 * The auth service's domain metrics on the process registry made in main.ts. Labels are
 * closed sets: never a workspace, user or token.
 */
export function createAuthMetrics(registry: Registry): AuthMetrics {
  const metrics: AuthMetrics = {
    authentications: new Counter({
      name: 'causeloop_auth_authentications_total',
      help: 'Credentials checked (Authenticate, ExchangeToken, RefreshToken), by credential kind and outcome.',
      labelNames: ['kind', 'outcome'],
      registers: [registry],
    }),
    tokenOperations: new Counter({
      name: 'causeloop_auth_token_operations_total',
      help: 'API tokens and service accounts created, rotated and revoked.',
      labelNames: ['operation'],
      registers: [registry],
    }),
  };
  for (const kind of credentialKinds) {
    for (const outcome of ['ok', 'invalid'] as const) metrics.authentications.inc({ kind, outcome }, 0);
  }
  return metrics;
}

export function countAuthentication(metrics: AuthMetrics, kind: CredentialKind, outcome: AuthenticationOutcome): void {
  metrics.authentications.inc({ kind, outcome });
}
