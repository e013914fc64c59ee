import { TokenKind, type Principal } from '@causeloop/proto/causeloop/common/v1/principal_pb.js';

/** Who made a change: a person, a service account, a platform operator or the system itself. */
/** Who can make a change (audit_log.actor_kind's CHECK, 0012, lists the same). */
export const auditActorKinds = ['user', 'service_account', 'operator', 'system'] as const;
export type AuditActorKind = (typeof auditActorKinds)[number];

/** The fields of an audit entry that say who made the change and in which trace. */
export interface AuditActor {
  readonly actorId?: string | undefined;
  readonly actorName?: string | undefined;
  readonly actorKind: AuditActorKind;
  /** W3C trace id of the call (or job run) that made the change: the entry's link to logs and traces. */
  readonly traceId: string;
}

/** What an entry needs of the call that made the change: a gRPC `CallContext`, or a job run's own trace. */
export interface AuditedCall {
  readonly traceId: string;
}

/** An actor a call does not carry as its principal: an invitee accepting, an operator, the system. */
export interface NamedActor {
  readonly kind: AuditActorKind;
  readonly id?: string | undefined;
  readonly name?: string | undefined;
}

/**
 * The actor fields of an audit entry, trace id included. A scoped call's actor is its
 * principal (`auditActor(context)`); anyone else is named (`auditActor(context, { kind:
 * 'operator', name: 'platform operator' })`). Every audit write goes through this, so no
 * entry lacks `actor_kind` or `trace_id`.
 */
export function auditActor(call: AuditedCall & { readonly principal: Principal }): AuditActor;
export function auditActor(call: AuditedCall, actor: NamedActor): AuditActor;
export function auditActor(call: AuditedCall & { readonly principal?: Principal }, actor?: NamedActor): AuditActor {
  const named = actor ?? principalActor(call.principal);
  return { actorId: named.id, actorName: named.name, actorKind: named.kind, traceId: call.traceId };
}

function principalActor(principal: Principal | undefined): NamedActor {
  // The overloads make this unreachable; it stays a loud failure rather than an anonymous entry.
  if (principal === undefined) throw new Error('an audit actor needs a principal or a named actor');
  return {
    kind: principal.tokenKind === TokenKind.SERVICE_ACCOUNT ? 'service_account' : 'user',
    id: principal.subjectId,
    name: principal.displayName === '' ? undefined : principal.displayName,
  };
}

/**
 * An AuditActor read back from JSON (a queued job's payload, which carries who asked for the
 * work so the entry the job writes names them); undefined when the value is not one.
 */
export function parseAuditActor(value: unknown): AuditActor | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { actorId, actorName, actorKind, traceId } = value as Record<string, unknown>;
  if (typeof actorKind !== 'string' || !(auditActorKinds as readonly string[]).includes(actorKind) || typeof traceId !== 'string') return undefined;
  if ((actorId !== undefined && typeof actorId !== 'string') || (actorName !== undefined && typeof actorName !== 'string')) return undefined;
  return {
    actorKind: actorKind as AuditActorKind,
    traceId,
    ...(actorId === undefined ? {} : { actorId }),
    ...(actorName === undefined ? {} : { actorName }),
  };
}
