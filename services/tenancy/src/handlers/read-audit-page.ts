import type { PageRequest } from '@causeloop/proto/causeloop/common/v1/pagination_pb.js';
import { withTenant } from '@causeloop/platform/db';
import { CauseloopError } from '@causeloop/platform/errors';
import { readPage, writePage, type PageLimits } from '@causeloop/platform/pagination';
import type { TenancyDeps } from '../deps.js';
import { parsePosition, positionOf, type AuditEntryRow, type AuditFilter } from '../stores/audit-entry-store.js';
import { filterKey } from './audit-filter.js';

/**
 * One page of matching entries, newest first (the listing's and the export's). The cursor
 * is signed for this workspace, list and filter, so it cannot be replayed against another
 * filter or workspace.
 */
export async function readAuditPage(
  deps: Pick<TenancyDeps, 'pool' | 'cursorKey' | 'auditEntries'>,
  options: { workspaceId: string; list: string; filter: AuditFilter; page: PageRequest | undefined; limits?: PageLimits },
): Promise<{ data: AuditEntryRow[]; page: { nextCursor: string; hasMore: boolean } }> {
  const list = `${options.list}:${options.workspaceId}:${filterKey(options.filter)}`;
  const { limit, after } = readPage(deps.cursorKey, list, options.page, options.limits);
  const position = after === undefined ? undefined : parsePosition(after);
  if (after !== undefined && position === undefined) {
    throw new CauseloopError('invalid_argument', 'page.cursor is not a cursor from this list');
  }
  const rows = await withTenant(deps.pool, options.workspaceId, (client) =>
    deps.auditEntries.list(client, { filter: options.filter, after: position, limit: limit + 1 }),
  );
  return writePage(deps.cursorKey, list, rows, limit, positionOf);
}
