import { createHash } from 'node:crypto';
import type { PatternService } from '@causeloop/proto/causeloop/insights/v1/patterns_pb.js';
import { withTenant } from '@causeloop/platform/db';
import { invalidField } from '@causeloop/platform/errors';
import type { ScopedHandler } from '@causeloop/platform/identity';
import { readPage, writePage } from '@causeloop/platform/pagination';
import type { InsightsDeps } from '../deps.js';
import { readPosition } from '../stores/keyset.js';
import type { PatternFilter, PatternSortColumn, PatternStatus } from '../stores/pattern-store.js';
import { patternStatusOf } from '../workflow.js';
import { patternView } from './views.js';

/** ListPatterns: most at risk first (or latest, or largest), filtered, keyset-paginated; merged patterns only when asked for. */
export function listPatterns(deps: Pick<InsightsDeps, 'pool' | 'cursorKey' | 'patterns'>): ScopedHandler<typeof PatternService, 'listPatterns'> {
  return async (request, { principal }) => {
    const filter: PatternFilter = {
      status: request.status === '' ? undefined : (patternStatusOf(request.status) as PatternStatus),
      service: request.service || undefined,
      recurrence: request.recurrence || undefined,
    };
    const sort = (request.sort === '' ? 'risk_score' : request.sort.slice(1)) as PatternSortColumn;
    const digest = createHash('sha256').update(JSON.stringify(filter)).digest('base64url').slice(0, 16);
    const list = `patterns:${principal.workspaceId}:${sort}:${digest}`;
    const { limit, after } = readPage(deps.cursorKey, list, request.page);
    const position = after === undefined ? undefined : readPosition(after, 2);
    if (after !== undefined && position === undefined) throw invalidField('page.cursor', 'is not a cursor from this list');
    const rows = await withTenant(deps.pool, principal.workspaceId, (client) =>
      deps.patterns.list(client, { filter, sort, after: position, limit: limit + 1 }),
    );
    const { data, page } = writePage(deps.cursorKey, list, rows, limit, (row) => row.position);
    return { data: data.map((row) => patternView(row)), page };
  };
}
