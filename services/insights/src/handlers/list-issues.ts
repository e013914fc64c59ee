import { createHash } from 'node:crypto';
import type { IssueService } from '@causeloop/proto/causeloop/insights/v1/issues_pb.js';
import { withTenant } from '@causeloop/platform/db';
import { invalidField } from '@causeloop/platform/errors';
import type { ScopedHandler } from '@causeloop/platform/identity';
import { readPage, writePage } from '@causeloop/platform/pagination';
import type { InsightsDeps } from '../deps.js';
import { severityNumber } from '../ingest/severity.js';
import type { IssueFilter, IssueSort, IssueSortColumn } from '../stores/issue-store.js';
import { readPosition } from '../stores/keyset.js';
import { issueView } from './views.js';

/**
 * ListIssues: filters, a sort and keyset pagination with signed cursors. A cursor is signed
 * for the workspace, the sort and the filters together, so a cursor from another list, or
 * one edited, is refused (400) rather than read as a position it never was.
 */
export function listIssues(deps: Pick<InsightsDeps, 'pool' | 'cursorKey' | 'issues'>): ScopedHandler<typeof IssueService, 'listIssues'> {
  return async (request, { principal }) => {
    const filter: IssueFilter = {
      status: request.status || undefined,
      severity: request.severity === '' ? undefined : severityNumber(request.severity),
      source: request.source === '' ? undefined : request.source.trim().toLowerCase(),
      service: request.service || undefined,
      patternId: request.patternId === '' ? undefined : request.patternId.toLowerCase(),
      since: request.since || undefined,
      until: request.until || undefined,
      q: request.q.trim() || undefined,
    };
    const sort = sortOf(request.sort);
    const list = `issues:${principal.workspaceId}:${request.sort || '-occurred_at'}:${digest(filter)}`;
    const { limit, after } = readPage(deps.cursorKey, list, request.page);
    const position = after === undefined ? undefined : readPosition(after, 2);
    if (after !== undefined && position === undefined) throw invalidField('page.cursor', 'is not a cursor from this list');
    const rows = await withTenant(deps.pool, principal.workspaceId, (client) =>
      deps.issues.list(client, { filter, sort, after: position, limit: limit + 1 }),
    );
    const { data, page } = writePage(deps.cursorKey, list, rows, limit, (row) => row.position);
    return { data: data.map(issueView), page };
  };
}

function sortOf(sort: string): IssueSort {
  if (sort === '') return { column: 'occurred_at', descending: true };
  const descending = sort.startsWith('-');
  return { column: (descending ? sort.slice(1) : sort) as IssueSortColumn, descending };
}

function digest(filter: IssueFilter): string {
  return createHash('sha256').update(JSON.stringify(filter)).digest('base64url').slice(0, 16);
}
