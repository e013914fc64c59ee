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
  principalAssertionHeader,
  requiredScope,
  requireScope,
  type PrincipalResolver,
  type PrincipalResolverOptions,
} from './resolve-principal.js';
export { guardScopes, type PrincipalCallContext, type ScopedHandler } from './guard-scopes.js';
