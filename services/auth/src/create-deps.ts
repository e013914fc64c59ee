import { createPublicKey } from 'node:crypto';
import type { Pool } from 'pg';
import { createAssertionSigner, createAssertionVerifier, type AssertionVerifier } from '@causeloop/platform/identity';
import { createAccessTokens } from './access-tokens.js';
import { createAuthenticator } from './authenticator.js';
import { accessTokenAudience, accessTokenIssuer, type AuthConfig } from './config.js';
import { deriveKeys } from './derived-keys.js';
import type { HandlerDeps } from './handlers/handler-deps.js';
import { createIdentityProviderVerifier } from './identity-provider.js';
import type { AuthMetrics } from './metrics.js';
import { PgApiTokenStore } from './stores/api-token-store.js';
import { PgMembershipStore } from './stores/membership-store.js';
import { PgRefreshTokenStore } from './stores/refresh-token-store.js';
import { PgServiceAccountStore } from './stores/service-account-store.js';
import { PgUserStore } from './stores/user-store.js';

export type AuthDepsConfig = Pick<
  AuthConfig,
  | 'nodeEnv'
  | 'jwtSecret'
  | 'accessTokenTtlSeconds'
  | 'refreshTokenTtlSeconds'
  | 'refreshReuseGraceSeconds'
  | 'identityProvider'
  | 'assertionPrivateKeyPem'
  | 'assertionTtlSeconds'
>;

/**
 * Stores, token issuers and verifiers from the resolved config, over one pool: what
 * main.ts and the tests' in-process server both build the service from.
 */
export function createAuthDeps(
  config: AuthDepsConfig,
  pool: Pool,
  metrics: AuthMetrics,
): { deps: HandlerDeps; assertionVerifier: AssertionVerifier } {
  const accessTokens = createAccessTokens({
    secret: config.jwtSecret,
    issuer: accessTokenIssuer,
    audience: accessTokenAudience,
    ttlSeconds: config.accessTokenTtlSeconds,
  });
  const users = new PgUserStore(pool);
  const memberships = new PgMembershipStore();
  const apiTokens = new PgApiTokenStore(pool);
  const serviceAccounts = new PgServiceAccountStore();
  const refreshTokens = new PgRefreshTokenStore(pool);
  const authenticator = createAuthenticator({ pool, accessTokens, apiTokens, memberships, metrics });
  const identityProvider =
    config.identityProvider === undefined ? undefined : createIdentityProviderVerifier(config.identityProvider);
  const publicKeyPem = createPublicKey(config.assertionPrivateKeyPem).export({ type: 'spki', format: 'pem' }).toString();
  return {
    deps: {
      pool,
      nodeEnv: config.nodeEnv,
      refreshTokenTtlSeconds: config.refreshTokenTtlSeconds,
      refreshReuseGraceSeconds: config.refreshReuseGraceSeconds,
      accessTokens,
      identityProvider,
      assertions: createAssertionSigner({ privateKeyPem: config.assertionPrivateKeyPem, ttlSeconds: config.assertionTtlSeconds }),
      authenticator,
      keys: deriveKeys(config.jwtSecret),
      users,
      memberships,
      apiTokens,
      serviceAccounts,
      refreshTokens,
      metrics,
    },
    assertionVerifier: createAssertionVerifier({ publicKeyPem }),
  };
}
