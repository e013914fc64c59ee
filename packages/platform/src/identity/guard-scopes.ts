import type { DescService } from '@bufbuild/protobuf';
import type { Principal } from '@causeloop/proto/causeloop/common/v1/principal_pb.js';
import type { CallContext } from '../grpc/call-context.js';
import type { ServiceImpl } from '../grpc/service-impl.js';
import { requiredScope, requireScope, type PrincipalResolver } from './resolve-principal.js';

/** The call context of an RPC whose HTTP rule names a scope: the caller's principal, checked. */
export interface PrincipalCallContext extends CallContext {
  readonly principal: Principal;
}

/** A handler of a scoped RPC of service `S`: it runs only after the principal holds the rule's scope. */
export type ScopedHandler<S extends DescService, K extends keyof ServiceImpl<S>> = (
  request: Parameters<ServiceImpl<S>[K]>[0],
  context: PrincipalCallContext,
) => ReturnType<ServiceImpl<S>[K]>;

type AnyHandler = (request: never, context: CallContext) => Promise<unknown>;
type AnyScopedHandler = (request: never, context: PrincipalCallContext) => Promise<unknown>;

/**
 * The one place an RPC's scope is enforced, the same whether the call came through the
 * gateway or straight from a cluster client (DESIGN §6). Every RPC whose HTTP rule names
 * a scope must be among `scoped` and every other among `open` (checked when the service
 * is wired, so a new scoped RPC cannot be added without the check); a scoped handler runs
 * only after the caller's principal is resolved and holds the scope, and receives it.
 */
export function guardScopes<S extends DescService>(
  service: S,
  handlers: { readonly open: Readonly<Record<string, AnyHandler>>; readonly scoped: Readonly<Record<string, AnyScopedHandler>> },
  resolver: PrincipalResolver,
): ServiceImpl<S> {
  const guarded: Record<string, AnyHandler> = {};
  for (const method of service.methods) {
    const scope = requiredScope(method);
    const name = method.localName;
    if (scope === undefined) {
      const handler = handlers.open[name];
      if (handler === undefined) throw new Error(`${service.typeName}.${method.name} has no scope and no open handler`);
      guarded[name] = handler;
      continue;
    }
    const handler = handlers.scoped[name];
    if (handler === undefined) {
      throw new Error(`${service.typeName}.${method.name} requires ${scope} but has no scoped handler`);
    }
    guarded[name] = async (request, context) => {
      const principal = await resolver.resolve(context.metadata);
      requireScope(principal, scope);
      return handler(request, { ...context, principal });
    };
  }
  return guarded as unknown as ServiceImpl<S>;
}
