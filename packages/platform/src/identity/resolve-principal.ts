import { getOption, hasOption, type DescMethod } from '@bufbuild/protobuf';
import { http } from '@causeloop/proto/causeloop/common/v1/http_pb.js';
import type { Principal } from '@causeloop/proto/causeloop/common/v1/principal_pb.js';
import { CauseloopError } from '../errors/causeloop-error.js';
import type { IncomingMetadata } from '../grpc/call-context.js';

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

const bearer = /^Bearer +(\S+)$/i;

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
      const token = bearerToken(metadata);
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

function bearerToken(metadata: IncomingMetadata): string | undefined {
  const authorization = metadata.get('authorization');
  return typeof authorization === 'string' ? bearer.exec(authorization.trim())?.[1] : undefined;
}

/** The scope an RPC's `causeloop.common.v1.http` rule demands; undefined means public. */
export function requiredScope(method: DescMethod): string | undefined {
  if (!hasOption(method, http)) return undefined;
  const { scope } = getOption(method, http);
  return scope === '' ? undefined : scope;
}

export function requireScope(principal: Principal, scope: string): void {
  if (!principal.scopes.includes(scope)) {
    throw new CauseloopError('insufficient_scope', `this call needs the ${scope} scope`);
  }
}
