import type { AuditFilter as AuditFilterMessage } from '@causeloop/proto/causeloop/tenancy/v1/audit_pb.js';
import { CauseloopError } from '@causeloop/platform/errors';
import { isUuid } from '@causeloop/platform/ids';

/** A validated audit-log filter; undefined fields do not filter. */
export interface AuditFilter {
  readonly actorId?: string | undefined;
  readonly actionPrefix?: string | undefined;
  readonly targetType?: string | undefined;
  readonly targetId?: string | undefined;
  readonly createdAfter?: Date | undefined;
  readonly createdBefore?: Date | undefined;
}

const rfc3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/i;

/** Reads the request's filter, naming every bad field in one invalid_argument error. */
export function readAuditFilter(message: AuditFilterMessage | undefined): AuditFilter {
  if (message === undefined) return {};
  const violations: { field: string; description: string }[] = [];
  const text = (field: string, value: string, max: number): string | undefined => {
    if (value === '') return undefined;
    if (value.length > max) violations.push({ field: `filter.${field}`, description: `must be at most ${max} characters` });
    return value;
  };
  const time = (field: string, value: string): Date | undefined => {
    if (value === '') return undefined;
    const parsed = new Date(value);
    if (!rfc3339.test(value) || Number.isNaN(parsed.getTime())) {
      violations.push({ field: `filter.${field}`, description: 'must be an RFC 3339 time, e.g. 2026-01-31T00:00:00Z' });
      return undefined;
    }
    return parsed;
  };
  if (message.actorId !== '' && !isUuid(message.actorId)) {
    violations.push({ field: 'filter.actor_id', description: 'must be a UUID' });
  }
  const filter: AuditFilter = {
    actorId: message.actorId === '' ? undefined : message.actorId,
    actionPrefix: text('action_prefix', message.actionPrefix, 100),
    targetType: text('target_type', message.targetType, 100),
    targetId: text('target_id', message.targetId, 200),
    createdAfter: time('created_after', message.createdAfter),
    createdBefore: time('created_before', message.createdBefore),
  };
  if (violations.length > 0) {
    throw new CauseloopError('invalid_argument', violations.map((v) => `${v.field} ${v.description}`).join('; '), { violations });
  }
  return filter;
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
