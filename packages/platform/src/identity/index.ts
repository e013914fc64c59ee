export {
  isRoleName,
  isScope,
  roleFromProto,
  roleRank,
  roleScopes,
  roleToProto,
  scopeCatalogue,
  scopesBeyond,
  type RoleName,
  type Scope,
} from './scope-catalogue.js';
export {
  apiTokenDisplayPrefix,
  apiTokenPrefixes,
  generateApiToken,
  hashApiToken,
  parseApiToken,
  type ApiTokenKind,
} from './api-token.js';
export {
  createAccessTokens,
  type AccessTokenClaims,
  type AccessTokens,
  type AccessTokensOptions,
  type VerifiedAccessToken,
} from './access-tokens.js';
export {
  createIdentityProviderVerifier,
  type IdentityClaims,
  type IdentityProviderVerifier,
  type IdentityProviderVerifierOptions,
} from './identity-provider.js';
export {
  createAssertionSigner,
  createAssertionVerifier,
  generateAssertionKeyPair,
  type AssertionKeyPair,
  type AssertionSigner,
  type AssertionSignerOptions,
  type AssertionVerifier,
  type AssertionVerifierOptions,
} from './principal-assertion.js';
export {
  createPrincipalResolver,
  presentedCredential,
  principalAssertionHeader,
  requireScope,
  type PresentedCredential,
  type PrincipalResolver,
  type PrincipalResolverOptions,
} from './resolve-principal.js';
export { methodAccess, type MethodAccess } from './method-access.js';
export {
  guardService,
  type GateOptions,
  type GuardedHandlers,
  type PrincipalCallContext,
  type ScopedHandler,
} from './guard-service.js';
export { createGateMetrics, type AuthenticationResult, type DenialReason, type GateMetrics } from './gate-metrics.js';
export {
  createCachedAuthenticator,
  type Authentication,
  type Authenticator,
  type CachedAuthenticatorOptions,
} from './create-cached-authenticator.js';
export { createAuthServiceAuthenticator } from './auth-service-authenticator.js';
