import type { MessageInitShape } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import type { LoopSchema, RecommendationSchema } from '@causeloop/proto/causeloop/insights/v1/recommendations_pb.js';
import type { LoopRow } from '../stores/loop-store.js';
import type { RecommendationRow } from '../stores/recommendation-store.js';

const timestamp = (date: Date | null) => (date === null ? undefined : timestampFromDate(date));

export function recommendationView(row: RecommendationRow): MessageInitShape<typeof RecommendationSchema> {
  return {
    id: row.id,
    patternId: row.pattern_id,
    title: row.title,
    type: row.type,
    impact: row.impact,
    effort: row.effort,
    steps: row.steps.map((step) => ({ text: step.text, done: step.done })),
    expectedLoopsPrevented: row.expected_loops_prevented,
    rankScore: row.rank_score,
    status: row.status,
    outcome: row.outcome ?? '',
    provider: row.provider,
    model: row.model,
    implementedAt: timestamp(row.implemented_at),
    createdAt: timestampFromDate(row.created_at),
  };
}

export function loopView(row: LoopRow): MessageInitShape<typeof LoopSchema> {
  return {
    id: row.id,
    patternId: row.pattern_id,
    number: row.number,
    status: row.status,
    openedBy: row.opened_by,
    openedAt: timestampFromDate(row.opened_at),
    recommendationId: row.recommendation_id ?? '',
    proofStartedAt: timestamp(row.proof_started_at),
    proofEndsAt: timestamp(row.proof_ends_at),
    predictionId: row.prediction_id ?? '',
    closedAt: timestamp(row.closed_at),
  };
}
