import { uuidv7 } from 'uuidv7';
import type { TenantClient } from '../db/with-tenant.js';
import type { AuditActor } from './audit-actor.js';

/** One audit_log row as a service records it (DESIGN §4); ids and time are filled in. */
export interface AuditEntry extends AuditActor {
  /** `<category>.<verb>`, e.g. `token.created`; the category is what precedes the dot. */
  readonly action: string;
  readonly targetType?: string | undefined;
  readonly targetId?: string | undefined;
  readonly before?: unknown;
  readonly after?: unknown;
  readonly ipAddress?: string | undefined;
}

/**
 * Appends one entry to the current workspace's audit log, inside the caller's `withTenant`
 * transaction, so the entry commits (or rolls back) with the change it records. The
 * workspace comes from the tenant GUC, never from the caller. The actor's kind and the
 * trace id are required (spread `auditActor(…)` in): no entry is written without them.
 * Returns the entry's id.
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
      entry.traceId,
      entry.actorKind,
    ],
  );
  return id;
}
