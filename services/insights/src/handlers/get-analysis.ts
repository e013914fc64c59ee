import type { AnalysisService } from '@causeloop/proto/causeloop/insights/v1/analysis_pb.js';
import { withTenant } from '@causeloop/platform/db';
import { notFound } from '@causeloop/platform/errors';
import type { ScopedHandler } from '@causeloop/platform/identity';
import type { InsightsDeps } from '../deps.js';
import { analysisView } from './analysis-view.js';

// The latest analysis of a subject, whatever its outcome. "Not found" does not tell a
// subject that was never analysed from one that is not in the workspace: neither has an
// analysis to show.

export function getIssueAnalysis(deps: Pick<InsightsDeps, 'pool' | 'analyses'>): ScopedHandler<typeof AnalysisService, 'getIssueAnalysis'> {
  return async (request, { principal }) => {
    const row = await withTenant(deps.pool, principal.workspaceId, (client) => deps.analyses.latest(client, { kind: 'issue', id: request.issueId }));
    if (row === undefined) throw notFound('analysis of the issue');
    return { analysis: analysisView(row) };
  };
}

export function getPatternAnalysis(deps: Pick<InsightsDeps, 'pool' | 'analyses'>): ScopedHandler<typeof AnalysisService, 'getPatternAnalysis'> {
  return async (request, { principal }) => {
    const row = await withTenant(deps.pool, principal.workspaceId, (client) => deps.analyses.latest(client, { kind: 'pattern', id: request.patternId }));
    if (row === undefined) throw notFound('analysis of the pattern');
    return { analysis: analysisView(row) };
  };
}
