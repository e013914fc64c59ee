import { fromJson, type JsonValue, type MessageInitShape } from '@bufbuild/protobuf';
import { timestampFromDate, ValueSchema } from '@bufbuild/protobuf/wkt';
import type { AuditEntrySchema } from '@causeloop/proto/causeloop/tenancy/v1/audit_pb.js';
import type { AuditEntryRow } from '../stores/audit-entry-store.js';

/** The API's view of a row (gRPC init shape). */
export function auditEntryView(row: AuditEntryRow): MessageInitShape<typeof AuditEntrySchema> {
  return {
    id: row.id,
    actorId: row.actor_id ?? '',
    actorKind: row.actor_kind ?? '',
    actorName: row.actor_name ?? '',
    action: row.action,
    actionCategory: row.action_category,
    targetType: row.target_type ?? '',
    targetId: row.target_id ?? '',
    ...(row.before === null ? {} : { before: fromJson(ValueSchema, row.before as JsonValue) }),
    ...(row.after === null ? {} : { after: fromJson(ValueSchema, row.after as JsonValue) }),
    ipAddress: row.ip_address ?? '',
    traceId: row.trace_id ?? '',
    createdAt: timestampFromDate(row.created_at),
  };
}

/** The same entry as plain JSON with snake_case fields, for exports. */
export function auditEntryJson(row: AuditEntryRow): Record<string, unknown> {
  return {
    id: row.id,
    created_at: row.created_at.toISOString(),
    actor_id: row.actor_id,
    actor_kind: row.actor_kind,
    actor_name: row.actor_name,
    action: row.action,
    action_category: row.action_category,
    target_type: row.target_type,
    target_id: row.target_id,
    before: row.before,
    after: row.after,
    ip_address: row.ip_address,
    trace_id: row.trace_id,
  };
}
