import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { IngestOutcome, IngestService } from '@causeloop/proto/causeloop/insights/v1/ingest_pb.js';
import { IssueService } from '@causeloop/proto/causeloop/insights/v1/issues_pb.js';
import { createGrpcClient } from '@causeloop/platform/grpc';
import { demoHistory } from './demo-history.js';

export type DemoHistorySeeding =
  | { readonly kind: 'sent'; readonly sent: number; readonly created: number; readonly rejected: number; readonly patterns: number }
  /** The workspace already had issues (an earlier start seeded it): nothing was sent. */
  | { readonly kind: 'present' };

export interface SeedDemoHistoryOptions {
  /** insights' gRPC address. */
  readonly insightsAddress: string;
  /** A token of the demo workspace with `ingest:write` and `issues:read` (the demo owner's). */
  readonly accessToken: string;
  readonly now?: Date;
}

/**
 * Sends the demo history (demo-history.ts) through insights' real ingest API, one
 * IngestBatch over gRPC, so it is validated, deduplicated and grouped like any source's
 * records. Once: a workspace that already has issues is left alone. Sending it again would
 * be harmless anyway (a repeated source and external id updates its issue, never adds one).
 */
export async function seedDemoHistory(options: SeedDemoHistoryOptions): Promise<DemoHistorySeeding> {
  const clientOptions = { address: options.insightsAddress, defaultDeadlineMs: 60_000 };
  const issues = createGrpcClient(IssueService, clientOptions);
  const ingest = createGrpcClient(IngestService, clientOptions);
  const call = { metadata: { authorization: `Bearer ${options.accessToken}` } };
  try {
    const existing = await issues.listIssues({ page: { limit: 1 } }, call);
    if (existing.data.length > 0) return { kind: 'present' };
    const records = demoHistory({ now: options.now ?? new Date() }).map(({ cause: _cause, occurredAt, ...record }) => ({
      ...record,
      occurredAt: timestampFromDate(occurredAt),
      attributes: { ...record.attributes },
    }));
    const answer = await ingest.ingestBatch({ records }, call);
    return {
      kind: 'sent',
      sent: records.length,
      created: answer.accepted.filter((accepted) => accepted.outcome === IngestOutcome.CREATED).length,
      rejected: answer.rejected.length,
      patterns: new Set(answer.accepted.map((accepted) => accepted.patternId)).size,
    };
  } finally {
    issues.close();
    ingest.close();
  }
}
