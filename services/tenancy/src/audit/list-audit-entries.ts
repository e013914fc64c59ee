import type { AuditLogService } from '@causeloop/proto/causeloop/tenancy/v1/audit_pb.js';
import { withTenant } from '@causeloop/platform/db';
import { CauseloopError } from '@causeloop/platform/errors';
import type { ScopedHandler } from '@causeloop/platform/identity';
import { readPage, writePage, type PageLimits } from '@causeloop/platform/pagination';
import type { PageRequest } from '@causeloop/proto/causeloop/common/v1/pagination_pb.js';
import { filterKey, readAuditFilter, type AuditFilter } from './audit-filter.js';
import { parsePosition, positionOf, type AuditEntryRow, type AuditEntryStore } from './audit-entry-store.js';
import type { AuditLogDeps } from './audit-log-deps.js';
import { auditEntryView } from './audit-entry-view.js';
import { callerWorkspace } from './caller-workspace.js';

/**
 * One page of matching entries, newest first. The cursor is signed for this workspace,
 * list and filter, so it cannot be replayed against another filter or workspace.
 */
export async function readAuditPage(
  deps: AuditLogDeps & { entries: AuditEntryStore },
  options: { workspaceId: string; list: string; filter: AuditFilter; page: PageRequest | undefined; limits?: PageLimits },
): Promise<{ data: AuditEntryRow[]; page: { nextCursor: string; hasMore: boolean } }> {
  const list = `${options.list}:${options.workspaceId}:${filterKey(options.filter)}`;
  const { limit, after } = readPage(deps.cursorKey, list, options.page, options.limits);
  const position = after === undefined ? undefined : parsePosition(after);
  if (after !== undefined && position === undefined) {
    throw new CauseloopError('invalid_argument', 'page.cursor is not a cursor from this list');
  }
  const rows = await withTenant(deps.pool, options.workspaceId, (client) =>
    deps.entries.list(client, { filter: options.filter, after: position, limit: limit + 1 }),
  );
  return writePage(deps.cursorKey, list, rows, limit, positionOf);
}

export function listAuditEntries(
  deps: AuditLogDeps & { entries: AuditEntryStore },
): ScopedHandler<typeof AuditLogService, 'listAuditEntries'> {
  return async (request, context) => {
    const workspaceId = callerWorkspace(context, request.workspaceId);
    const filter = readAuditFilter(request.filter);
    const { data, page } = await readAuditPage(deps, { workspaceId, list: 'audit', filter, page: request.page });
    return { data: data.map(auditEntryView), page };
  };
}
