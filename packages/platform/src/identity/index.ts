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
export { apiTokenPrefixes, operatorTokenPrefix, type ApiTokenKind } from './credential-prefixes.js';
export { bearerToken } from './bearer-token.js';
export { generateOperatorToken, operatorTokenSha256 } from './operator-token.js';
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
export { ownWorkspace } from './own-workspace.js';
export { callerRole } from './caller-role.js';
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
