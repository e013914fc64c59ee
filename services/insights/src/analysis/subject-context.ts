import type { TenantClient } from '@causeloop/platform/db';
import { similarityThreshold } from '../handlers/list-similar-issues.js';
import { severityName } from '../ingest/severity.js';
import type { SubjectFacts } from '../llm/llm-provider.js';
import type { AnalysisSubject } from '../stores/analysis-store.js';
import type { IssueStore } from '../stores/issue-store.js';
import type { PatternStore } from '../stores/pattern-store.js';

/** Issues given to the model as context, at most. */
export const similarIssuesInContext = 5;

/**
 * What the prompt is built from: the subject (an issue with its pattern's figures, or a
 * pattern), and up to 5 issues of the workspace with the most similar templates (the
 * similar-issues query; for a pattern, issues of other patterns only). Undefined when the
 * subject is not in the workspace.
 */
export async function readSubjectFacts(
  stores: { readonly issues: IssueStore; readonly patterns: PatternStore },
  client: TenantClient,
  subject: AnalysisSubject,
): Promise<SubjectFacts | undefined> {
  if (subject.kind === 'issue') {
    const issue = await stores.issues.get(client, { id: subject.id });
    if (issue === undefined) return undefined;
    const pattern = issue.pattern_id === null ? undefined : await stores.patterns.get(client, { id: issue.pattern_id });
    const similar = await stores.issues.similar(client, { id: issue.id, template: issue.template, threshold: similarityThreshold, limit: similarIssuesInContext });
    return {
      kind: 'issue',
      template: issue.template,
      title: issue.title,
      service: issue.service,
      component: issue.component,
      severity: severityName(issue.severity) as SubjectFacts['severity'],
      issueCount: pattern?.issue_count ?? 1,
      recurrence: pattern?.recurrence ?? 'new',
      similar: similar.map((row) => ({ id: row.id, title: row.title, patternStatus: row.pattern_status ?? '' })),
    };
  }
  const pattern = await stores.patterns.get(client, { id: subject.id });
  if (pattern === undefined) return undefined;
  const [latest] = await stores.issues.list(client, {
    filter: { patternId: pattern.id },
    sort: { column: 'occurred_at', descending: true },
    after: undefined,
    limit: 1,
  });
  const similar =
    latest === undefined
      ? []
      : await stores.issues.similar(client, {
          id: latest.id,
          template: latest.template,
          threshold: similarityThreshold,
          limit: similarIssuesInContext,
          // The pattern's own issues say nothing new about it: context comes from elsewhere.
          excludePatternId: pattern.id,
        });
  return {
    kind: 'pattern',
    template: pattern.template,
    title: pattern.template,
    service: pattern.service,
    component: pattern.component,
    severity: severityName(pattern.severity) as SubjectFacts['severity'],
    issueCount: pattern.issue_count,
    recurrence: pattern.recurrence,
    similar: similar.map((row) => ({ id: row.id, title: row.title, patternStatus: row.pattern_status ?? '' })),
  };
}
