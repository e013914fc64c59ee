import type { Pool } from 'pg';
import type { AuthService } from '@causeloop/proto/causeloop/auth/v1/auth_pb.js';
import type { ServiceImpl } from '@causeloop/platform/grpc';
import type { AssertionSigner, ScopedHandler as PlatformScopedHandler } from '@causeloop/platform/identity';
import type { AccessTokens } from '../access-tokens.js';
import type { Authenticator } from '../authenticator.js';
import type { DerivedKeys } from '../derived-keys.js';
import type { IdentityProviderVerifier } from '../identity-provider.js';
import type { AuthMetrics } from '../metrics.js';
import type { ApiTokenStore } from '../stores/api-token-store.js';
import type { MembershipStore } from '../stores/membership-store.js';
import type { RefreshTokenStore } from '../stores/refresh-token-store.js';
import type { ServiceAccountStore } from '../stores/service-account-store.js';
import type { UserStore } from '../stores/user-store.js';

/** What every handler is given; made once in main.ts (or a test) and shared. */
export interface HandlerDeps {
  readonly pool: Pool;
  readonly nodeEnv: 'development' | 'test' | 'production';
  readonly refreshTokenTtlSeconds: number;
  readonly refreshReuseGraceSeconds: number;
  readonly accessTokens: AccessTokens;
  /** Undefined when no IDP_JWKS_URL is configured. */
  readonly identityProvider: IdentityProviderVerifier | undefined;
  readonly assertions: AssertionSigner;
  readonly authenticator: Authenticator;
  readonly keys: DerivedKeys;
  readonly users: UserStore;
  readonly memberships: MembershipStore;
  readonly apiTokens: ApiTokenStore;
  readonly serviceAccounts: ServiceAccountStore;
  readonly refreshTokens: RefreshTokenStore;
  readonly metrics: AuthMetrics;
}

/** The handlers of `causeloop.auth.v1.AuthService`, typed from its descriptor. */
export type AuthServiceImpl = ServiceImpl<typeof AuthService>;

/** A handler of a scoped RPC: it runs only after the principal holds the rule's scope. */
export type ScopedHandler<K extends keyof AuthServiceImpl> = PlatformScopedHandler<typeof AuthService, K>;
