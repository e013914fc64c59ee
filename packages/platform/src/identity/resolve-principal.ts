import type { Principal } from '@causeloop/proto/causeloop/common/v1/principal_pb.js';
import { CauseloopError } from '../errors/causeloop-error.js';
import type { IncomingMetadata } from '../grpc/call-context.js';
import { bearerToken } from './bearer-token.js';
import { apiTokenPrefixes, operatorTokenPrefix } from './credential-prefixes.js';

/** Metadata key the gateway forwards the signed principal assertion in. */
export const principalAssertionHeader = 'x-causeloop-principal';

export interface PrincipalResolverOptions {
  readonly verifier: { verify(assertion: string): Promise<Principal> };
  /** Resolves a bearer token, e.g. through auth's `Authenticate`; omitted, bearers are refused. */
  readonly authenticate?: (token: string) => Promise<Principal>;
}

export interface PrincipalResolver {
  resolve(metadata: IncomingMetadata): Promise<Principal>;
}

/**
 * One typed principal per call (DESIGN §6), whether the call came through the gateway
 * (a signed assertion) or straight from a cluster client (a bearer token). Identity is
 * never read from a bare header: the assertion's signature is checked here. A call that
 * carries both must be one caller: an access token for workspace A never rides along
 * with an assertion for workspace B.
 */
export function createPrincipalResolver(options: PrincipalResolverOptions): PrincipalResolver {
  const { verifier, authenticate } = options;
  return {
    async resolve(metadata) {
      const assertion = metadata.get(principalAssertionHeader);
      const token = bearerToken(metadata.get('authorization'));
      if (typeof assertion === 'string' && assertion !== '') {
        if (authenticate !== undefined && token !== undefined) {
          const [asserted, authenticated] = await Promise.all([
            verifier.verify(assertion).catch(() => undefined),
            authenticate(token),
          ]);
          // An assertion that does not verify grants nothing; the token alone decides
          // (an assertion that expired in flight need not fail the call).
          if (asserted === undefined) return authenticated;
          if (asserted.subjectId !== authenticated.subjectId || asserted.workspaceId !== authenticated.workspaceId) {
            throw new CauseloopError('unauthenticated', 'the principal assertion and the bearer token disagree');
          }
          return asserted;
        }
        return verifier.verify(assertion);
      }
      if (authenticate !== undefined && token !== undefined) return authenticate(token);
      throw new CauseloopError('unauthenticated', 'authentication required');
    },
  };
}

/**
 * Which credential a call presents, read from its metadata without verifying anything:
 * the label of the gate's metrics and what an internal RPC refuses. A bearer that is no
 * API token nor operator token counts as an access token (auth decides whether it is one).
 */
export type PresentedCredential = 'assertion' | 'access' | 'personal_access' | 'service_account' | 'operator' | 'none';

export function presentedCredential(metadata: IncomingMetadata): PresentedCredential {
  const assertion = metadata.get(principalAssertionHeader);
  if (typeof assertion === 'string' && assertion !== '') return 'assertion';
  const token = bearerToken(metadata.get('authorization'));
  if (token === undefined) return 'none';
  if (token.startsWith(apiTokenPrefixes.personal_access)) return 'personal_access';
  if (token.startsWith(apiTokenPrefixes.service_account)) return 'service_account';
  if (token.startsWith(operatorTokenPrefix)) return 'operator';
  return 'access';
}

export function requireScope(principal: Principal, scope: string): void {
  if (!principal.scopes.includes(scope)) {
    throw new CauseloopError('insufficient_scope', `this call needs the ${scope} scope`);
  }
}
