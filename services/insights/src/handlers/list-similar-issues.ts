import type { IssueService } from '@causeloop/proto/causeloop/insights/v1/issues_pb.js';
import { withTenant } from '@causeloop/platform/db';
import { notFound } from '@causeloop/platform/errors';
import type { ScopedHandler } from '@causeloop/platform/identity';
import type { InsightsDeps } from '../deps.js';
import { issueView } from './views.js';

/** Templates at least this trigram-similar count as similar (pg_trgm's own default). */
export const similarityThreshold = 0.3;
const defaultLimit = 10;

/**
 * ListSimilarIssues: the workspace's issues whose template (the message with its variable
 * values replaced) is most like this one's, by pg_trgm similarity through the trigram GIN
 * index on pattern templates, in any service, each with its pattern's status.
 */
export function listSimilarIssues(deps: Pick<InsightsDeps, 'pool' | 'issues'>): ScopedHandler<typeof IssueService, 'listSimilarIssues'> {
  return async (request, { principal }) => {
    const rows = await withTenant(deps.pool, principal.workspaceId, async (client) => {
      const issue = await deps.issues.get(client, { id: request.issueId });
      if (issue === undefined) throw notFound('issue');
      return deps.issues.similar(client, { id: issue.id, template: issue.template, threshold: similarityThreshold, limit: request.limit || defaultLimit });
    });
    return {
      data: rows.map((row) => ({ issue: issueView(row), similarity: row.similarity, patternStatus: row.pattern_status ?? '' })),
    };
  };
}
