import type { DescService, Message } from '@bufbuild/protobuf';
import type { Principal } from '@causeloop/proto/causeloop/common/v1/principal_pb.js';
import type { Registry } from 'prom-client';
import { CauseloopError } from '../errors/causeloop-error.js';
import type { CallContext } from '../grpc/call-context.js';
import { markValidatesOwnRequests } from '../grpc/request-validation.js';
import type { ServiceImpl } from '../grpc/service-impl.js';
import { createRequestValidator } from '../validation/request-validator.js';
import { authenticationFailure, countGateAuthentication, createGateMetrics, type GateMetrics } from './gate-metrics.js';
import { methodAccess, type MethodAccess } from './method-access.js';
import { presentedCredential, requireScope, type PresentedCredential, type PrincipalResolver } from './resolve-principal.js';

/** The call context of a scoped RPC: the caller's principal, resolved and holding the scope. */
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
/** Throws `invalid_argument` when the request breaks its proto's FieldRules. */
type RequestCheck = (request: never) => void;

/** The handlers of one service, split as its protos declare each RPC's access. */
export interface GuardedHandlers {
  /** ACCESS_PUBLIC: the request carries its own credential. */
  readonly public?: Readonly<Record<string, AnyHandler>>;
  /** ACCESS_INTERNAL: service-to-service; workspace credentials are refused before these run. */
  readonly internal?: Readonly<Record<string, AnyHandler>>;
  /** RPCs whose HTTP rule names a scope. */
  readonly scoped?: Readonly<Record<string, AnyScopedHandler>>;
}

export interface GateOptions {
  readonly principals: PrincipalResolver;
  /** The service's metrics registry (authentications and denied calls are counted on it). */
  readonly registry: Registry;
}

/** Customer credentials never reach internal RPCs (DESIGN §6): those are for services. */
const workspaceCredentials: ReadonlySet<PresentedCredential> = new Set(['assertion', 'access', 'personal_access', 'service_account']);

/**
 * The one gate of every backend gRPC service, the same whether a call came through the
 * gateway (a principal assertion) or straight from a cluster client (a bearer token).
 * Each RPC's access comes from its proto (`methodAccess`, shared with the gateway's route
 * table) and each handler must be wired under that access: a mismatch, or an RPC with no
 * declared access, throws here, so a service cannot start with an unguarded RPC.
 * A scoped handler runs only after the caller's principal is resolved and holds the
 * scope; an internal one only for a call carrying no workspace credential.
 *
 * Requests are validated here, in one order for every RPC: authenticate (UNAUTHENTICATED)
 * → validate against the proto's FieldRules (INVALID_ARGUMENT) → authorize
 * (PERMISSION_DENIED) → handler, as the gateway orders 401, 400 and 403. Public and
 * internal RPCs: validate → handler.
 */
export function guardService<S extends DescService>(service: S, handlers: GuardedHandlers, gate: GateOptions): ServiceImpl<S> {
  const metrics = createGateMetrics(gate.registry);
  const requests = createRequestValidator();
  const guarded: Record<string, AnyHandler> = {};
  const problems: string[] = [];
  const wired = new Set<string>();
  for (const method of service.methods) {
    const name = method.localName;
    let access: MethodAccess;
    try {
      access = methodAccess(method);
    } catch (error) {
      problems.push((error as Error).message);
      continue;
    }
    try {
      requests.prepare(method.input);
    } catch (error) {
      problems.push((error as Error).message);
      continue;
    }
    const check: RequestCheck = (request) => requests.assertValid(method.input, request as Message);
    const missing = `${service.typeName}.${method.name} is ${access.kind} but has no ${access.kind} handler`;
    wired.add(`${access.kind}.${name}`);
    if (access.kind === 'scoped') {
      const handler = handlers.scoped?.[name];
      if (handler === undefined) problems.push(missing);
      else guarded[name] = scoped(handler, access.scope, check, gate.principals, metrics);
    } else {
      const handler = handlers[access.kind]?.[name];
      if (handler === undefined) problems.push(missing);
      else guarded[name] = access.kind === 'internal' ? internalOnly(handler, check, metrics) : validated(handler, check);
    }
  }
  for (const kind of ['public', 'internal', 'scoped'] as const) {
    for (const name of Object.keys(handlers[kind] ?? {})) {
      if (!wired.has(`${kind}.${name}`)) problems.push(`${service.typeName}: ${name} is wired as ${kind} but the proto does not declare it so`);
    }
  }
  if (problems.length > 0) throw new Error(`cannot guard ${service.typeName}:\n- ${problems.join('\n- ')}`);
  return markValidatesOwnRequests(guarded) as unknown as ServiceImpl<S>;
}

function validated(handler: AnyHandler, check: RequestCheck): AnyHandler {
  return async (request, context) => {
    check(request);
    return handler(request, context);
  };
}

function internalOnly(handler: AnyHandler, check: RequestCheck, metrics: GateMetrics): AnyHandler {
  return async (request, context) => {
    if (workspaceCredentials.has(presentedCredential(context.metadata))) {
      metrics.denied.inc({ reason: 'internal_only' });
      throw new CauseloopError('permission_denied', 'this RPC is internal: it accepts no workspace credential');
    }
    check(request);
    return handler(request, context);
  };
}

function scoped(
  handler: AnyScopedHandler,
  scope: string,
  check: RequestCheck,
  principals: PrincipalResolver,
  metrics: GateMetrics,
): AnyHandler {
  return async (request, context) => {
    const credential = presentedCredential(context.metadata);
    let principal: Principal;
    try {
      principal = await principals.resolve(context.metadata);
    } catch (error) {
      const outcome = authenticationFailure(error, credential);
      countGateAuthentication(metrics, outcome, credential);
      if (outcome !== 'error') metrics.denied.inc({ reason: 'unauthenticated' });
      throw error;
    }
    countGateAuthentication(metrics, 'ok', credential);
    check(request);
    try {
      requireScope(principal, scope);
    } catch (error) {
      metrics.denied.inc({ reason: 'insufficient_scope' });
      throw error;
    }
    return handler(request, withPrincipal(context, principal));
  };
}

/**
 * The call's context with its principal. Not a spread: that would read the lazy members
 * (`logger` makes a pino child, `traceId` resolves the trace) on every call, which most
 * handlers never need.
 */
function withPrincipal(context: CallContext, principal: Principal): PrincipalCallContext {
  return {
    requestId: context.requestId,
    get traceId() {
      return context.traceId;
    },
    get logger() {
      return context.logger;
    },
    signal: context.signal,
    deadline: context.deadline,
    metadata: context.metadata,
    principal,
  };
}
