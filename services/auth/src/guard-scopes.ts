import type { DescService } from '@bufbuild/protobuf';
import type { Principal } from '@causeloop/proto/causeloop/common/v1/principal_pb.js';
import {
  principalAssertionHeader,
  requiredScope,
  requireScope,
  type AssertionVerifier,
  type CallContext,
  type IncomingMetadata,
  type PrincipalResolver,
} from '@causeloop/platform';
import { invalidCredentials } from './errors.js';
import type { PrincipalCallContext } from './handlers/handler-deps.js';

type Handler = (request: never, context: CallContext) => Promise<unknown>;
type ScopedHandlerAny = (request: never, context: PrincipalCallContext) => Promise<unknown>;

export interface GuardOptions {
  readonly resolver: PrincipalResolver;
  readonly verifier: AssertionVerifier;
  readonly authenticate: (token: string) => Promise<Principal>;
}

const bearer = /^Bearer +(\S+)$/i;

/**
 * The one place scopes are enforced for this service. Every RPC whose HTTP rule names a
 * scope must be in `scoped` and every other in `open` (checked at start-up, so a new
 * scoped RPC cannot be wired without the check); each scoped handler runs only after the
 * caller's principal is resolved and holds the scope, and receives that principal.
 *
 * A call carrying both an assertion and a bearer token must agree on who it is (subject
 * and workspace), or it is refused: an access token for workspace A never rides along
 * with an assertion for workspace B.
 */
export function guardScopes<S extends DescService>(
  service: S,
  handlers: { open: Record<string, Handler>; scoped: Record<string, ScopedHandlerAny> },
  options: GuardOptions,
): Record<string, Handler> {
  const result: Record<string, Handler> = {};
  for (const method of service.methods) {
    const scope = requiredScope(method);
    const name = method.localName;
    if (scope === undefined) {
      const handler = handlers.open[name];
      if (handler === undefined) throw new Error(`${service.typeName}.${method.name} has no scope and no open handler`);
      result[name] = handler;
      continue;
    }
    const handler = handlers.scoped[name];
    if (handler === undefined) {
      throw new Error(`${service.typeName}.${method.name} requires ${scope} but has no scoped handler`);
    }
    result[name] = async (request, context) => {
      const principal = await resolvePrincipal(context.metadata, options);
      requireScope(principal, scope);
      return handler(request, { ...context, principal });
    };
  }
  return result;
}

async function resolvePrincipal(metadata: IncomingMetadata, options: GuardOptions): Promise<Principal> {
  const assertion = metadata.get(principalAssertionHeader);
  const authorization = metadata.get('authorization');
  const token = typeof authorization === 'string' ? bearer.exec(authorization.trim())?.[1] : undefined;
  if (typeof assertion === 'string' && assertion !== '' && token !== undefined) {
    const [asserted, authenticated] = await Promise.all([options.verifier.verify(assertion), options.authenticate(token)]);
    if (asserted.subjectId !== authenticated.subjectId || asserted.workspaceId !== authenticated.workspaceId) {
      throw invalidCredentials();
    }
    return asserted;
  }
  return options.resolver.resolve(metadata);
}
