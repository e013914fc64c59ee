import type { MessageInitShape } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import type { IssueSchema } from '@causeloop/proto/causeloop/insights/v1/issues_pb.js';
import type { PatternSchema } from '@causeloop/proto/causeloop/insights/v1/patterns_pb.js';
import { severityName } from '../ingest/severity.js';
import type { IssueRow } from '../stores/issue-store.js';
import type { DailyCountRow, PatternRow } from '../stores/pattern-store.js';

// Rows as the API's messages (gRPC init shapes).

export function issueView(row: IssueRow): MessageInitShape<typeof IssueSchema> {
  return {
    id: row.id,
    source: row.source,
    externalId: row.external_id,
    title: row.title,
    body: row.body,
    severity: severityName(row.severity),
    service: row.service,
    component: row.component,
    url: row.url,
    attributes: row.attributes,
    status: row.status,
    assignee: row.assignee,
    team: row.team,
    patternId: row.pattern_id ?? '',
    grouping: { template: row.template, slots: [...row.slots], rule: row.grouping_rule, fingerprint: row.fingerprint },
    riskScore: row.risk_score,
    occurrences: row.occurrences,
    occurredAt: timestampFromDate(row.occurred_at),
    createdAt: timestampFromDate(row.created_at),
    updatedAt: timestampFromDate(row.updated_at),
  };
}

export function patternView(row: PatternRow, daily: readonly DailyCountRow[] = []): MessageInitShape<typeof PatternSchema> {
  return {
    id: row.id,
    template: row.template,
    service: row.service,
    component: row.component,
    status: row.status,
    mergedInto: row.merged_into ?? '',
    issueCount: row.issue_count,
    firstSeen: timestampFromDate(row.first_seen),
    lastSeen: timestampFromDate(row.last_seen),
    recurrence: row.recurrence,
    riskScore: row.risk_score,
    severity: severityName(row.severity),
    daily: daily.map((day) => ({ date: day.date, count: day.count })),
    fingerprints: [...row.fingerprints],
    updatedAt: timestampFromDate(row.updated_at),
  };
}
