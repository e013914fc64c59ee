import type { MessageInitShape } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import type { AnalysisSchema } from '@causeloop/proto/causeloop/insights/v1/analysis_pb.js';
import type { AnalysisRow } from '../stores/analysis-store.js';

export function analysisView(row: AnalysisRow): MessageInitShape<typeof AnalysisSchema> {
  return {
    id: row.id,
    subjectKind: row.subject_kind,
    subjectId: row.subject_id,
    tier: row.tier,
    status: row.status,
    failureReason: row.failure_reason ?? '',
    rootCause: row.root_cause ?? '',
    contributingFactors: row.contributing_factors ?? [],
    whyItRecurs: row.why_it_recurs ?? '',
    ...(row.confidence === null ? {} : { confidence: row.confidence }),
    similarIssueIds: row.similar_issue_ids,
    provider: row.provider,
    model: row.model,
    modelVersion: row.model_version,
    inputTokens: row.input_tokens,
    outputTokens: row.output_tokens,
    latencyMs: row.latency_ms,
    createdAt: timestampFromDate(row.created_at),
  };
}
