import type { IssueService } from '@causeloop/proto/causeloop/insights/v1/issues_pb.js';
import { withTenant } from '@causeloop/platform/db';
import { notFound } from '@causeloop/platform/errors';
import type { ScopedHandler } from '@causeloop/platform/identity';
import type { InsightsDeps } from '../deps.js';
import { issueView } from './views.js';

/** GetIssue: one issue of the caller's workspace; another workspace's id is not found (RLS hides it). */
export function getIssue(deps: Pick<InsightsDeps, 'pool' | 'issues'>): ScopedHandler<typeof IssueService, 'getIssue'> {
  return async (request, { principal }) => {
    const row = await withTenant(deps.pool, principal.workspaceId, (client) => deps.issues.get(client, { id: request.issueId }));
    if (row === undefined) throw notFound('issue');
    return { issue: issueView(row) };
  };
}
