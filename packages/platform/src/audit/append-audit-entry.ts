import { uuidv7 } from 'uuidv7';
import { TokenKind, type Principal } from '@causeloop/proto/causeloop/common/v1/principal_pb.js';
import type { TenantClient } from '../db/with-tenant.js';

/** Who made a change: a person, a service account, a platform operator or the system itself. */
export type AuditActorKind = 'user' | 'service_account' | 'operator' | 'system';

/** One audit_log row as a service records it (DESIGN §4); ids and time are filled in. */
export interface AuditEntry {
  readonly actorId?: string | undefined;
  readonly actorName?: string | undefined;
  readonly actorKind?: AuditActorKind | undefined;
  /** `<category>.<verb>`, e.g. `token.created`; the category is what precedes the dot. */
  readonly action: string;
  readonly targetType?: string | undefined;
  readonly targetId?: string | undefined;
  readonly before?: unknown;
  readonly after?: unknown;
  readonly ipAddress?: string | undefined;
  readonly traceId?: string | undefined;
}

/**
 * Appends one entry to the current workspace's audit log, inside the caller's `withTenant`
 * transaction, so the entry commits (or rolls back) with the change it records. The
 * workspace comes from the tenant GUC, never from the caller. Returns the entry's id.
 */
export async function appendAuditEntry(client: TenantClient, entry: AuditEntry): Promise<string> {
  const id = uuidv7();
  const category = entry.action.includes('.') ? entry.action.slice(0, entry.action.indexOf('.')) : entry.action;
  await client.query(
    `insert into audit_log (id, workspace_id, actor_id, actor_name, action, action_category, target_type, target_id,
                            before, after, ip_address, trace_id, actor_kind)
     values ($1, app_current_tenant(), $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
    [
      id,
      entry.actorId ?? null,
      entry.actorName ?? null,
      entry.action,
      category,
      entry.targetType ?? null,
      entry.targetId ?? null,
      entry.before === undefined ? null : JSON.stringify(entry.before),
      entry.after === undefined ? null : JSON.stringify(entry.after),
      entry.ipAddress ?? null,
      entry.traceId ?? null,
      entry.actorKind ?? null,
    ],
  );
  return id;
}

/** The actor fields of an entry made on behalf of `principal`. */
export function auditActor(principal: Principal): Pick<AuditEntry, 'actorId' | 'actorName' | 'actorKind'> {
  return {
    actorId: principal.subjectId,
    actorName: principal.displayName === '' ? undefined : principal.displayName,
    actorKind: principal.tokenKind === TokenKind.SERVICE_ACCOUNT ? 'service_account' : 'user',
  };
}
