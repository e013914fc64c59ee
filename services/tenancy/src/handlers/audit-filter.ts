import type { AuditFilter as AuditFilterMessage } from '@causeloop/proto/causeloop/tenancy/v1/audit_pb.js';
import type { AuditFilter } from '../stores/audit-entry-store.js';

/**
 * The request's filter as the store takes it; an empty field does not filter. The proto's
 * rules have checked each field (a UUID, lengths, RFC 3339 times, which `Date` reads).
 */
export function readAuditFilter(message: AuditFilterMessage | undefined): AuditFilter {
  if (message === undefined) return {};
  const text = (value: string): string | undefined => (value === '' ? undefined : value);
  const time = (value: string): Date | undefined => (value === '' ? undefined : new Date(value));
  return {
    actorId: text(message.actorId),
    actionPrefix: text(message.actionPrefix),
    targetType: text(message.targetType),
    targetId: text(message.targetId),
    createdAfter: time(message.createdAfter),
    createdBefore: time(message.createdBefore),
  };
}

/** Stable text of a filter, bound into cursors so a cursor only continues the same listing. */
export function filterKey(filter: AuditFilter): string {
  return JSON.stringify([
    filter.actorId ?? null,
    filter.actionPrefix ?? null,
    filter.targetType ?? null,
    filter.targetId ?? null,
    filter.createdAfter?.toISOString() ?? null,
    filter.createdBefore?.toISOString() ?? null,
  ]);
}
