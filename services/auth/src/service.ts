import { AuthService } from '@causeloop/proto/causeloop/auth/v1/auth_pb.js';
import type { Registry } from '@causeloop/platform/metrics';
import { createPrincipalResolver, guardService, type AssertionVerifier } from '@causeloop/platform/identity';
import { authenticate } from './handlers/authenticate.js';
import { authorize } from './handlers/authorize.js';
import { createPersonalAccessToken } from './handlers/create-personal-access-token.js';
import { createServiceAccount } from './handlers/create-service-account.js';
import { createServiceAccountToken } from './handlers/create-service-account-token.js';
import { exchangeToken } from './handlers/exchange-token.js';
import type { AuthServiceImpl, HandlerDeps } from './handlers/handler-deps.js';
import { listPersonalAccessTokens } from './handlers/list-personal-access-tokens.js';
import { listScopes } from './handlers/list-scopes.js';
import { listServiceAccounts } from './handlers/list-service-accounts.js';
import { refreshToken } from './handlers/refresh-token.js';
import { revokePersonalAccessToken } from './handlers/revoke-personal-access-token.js';
import { revokeServiceAccountToken } from './handlers/revoke-service-account-token.js';
import { rotatePersonalAccessToken } from './handlers/rotate-personal-access-token.js';

export type { AuthServiceImpl, HandlerDeps } from './handlers/handler-deps.js';

/**
 * The handlers of `causeloop.auth.v1.AuthService`. Callers of the scoped RPCs are
 * identified by a principal assertion (verified with `assertionVerifier`, the public half
 * of this service's signing key) or a bearer token (resolved with this service's own
 * Authenticate logic, so no cache), and the RPC's HTTP-rule scope is checked before the
 * handler runs. Authenticate and Authorize are internal: they refuse workspace credentials.
 */
export function createAuthService(
  deps: HandlerDeps,
  options: { readonly assertionVerifier: AssertionVerifier; readonly registry: Registry },
): AuthServiceImpl {
  const authenticateToken = (token: string) => deps.authenticator.authenticate(token);
  const principals = createPrincipalResolver({ verifier: options.assertionVerifier, authenticate: authenticateToken });
  return guardService(
    AuthService,
    {
      public: { exchangeToken: exchangeToken(deps), refreshToken: refreshToken(deps) },
      internal: { authenticate: authenticate(deps), authorize: authorize() },
      scoped: {
        listScopes: listScopes(),
        createPersonalAccessToken: createPersonalAccessToken(deps),
        listPersonalAccessTokens: listPersonalAccessTokens(deps),
        rotatePersonalAccessToken: rotatePersonalAccessToken(deps),
        revokePersonalAccessToken: revokePersonalAccessToken(deps),
        createServiceAccount: createServiceAccount(deps),
        listServiceAccounts: listServiceAccounts(deps),
        createServiceAccountToken: createServiceAccountToken(deps),
        revokeServiceAccountToken: revokeServiceAccountToken(deps),
      },
    },
    { principals, registry: options.registry },
  );
}
