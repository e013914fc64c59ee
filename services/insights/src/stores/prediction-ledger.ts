import type { TenantClient } from '@causeloop/platform/db';
import type { RecurrencePrediction, RecurrenceState } from '../predictions/index.js';
import type { PatternRow } from './pattern-store.js';

export type PredictionKind = 'forecast' | 'proof_window';

/** A prediction for the ledger (0016, 0019): written once, its outcome scored later. */
export interface LedgerEntry {
  readonly id: string;
  readonly patternId: string;
  readonly kind: PredictionKind;
  readonly windowDays: number;
  readonly prediction: RecurrencePrediction;
}

/**
 * Appends predictions to the current tenant's ledger; one already there for the same
 * pattern, window length and start is kept. Returns the rows written.
 */
export async function appendPredictions(
  client: TenantClient,
  entries: readonly LedgerEntry[],
): Promise<{ id: string; pattern_id: string; window_days: number; probability: number; kind: PredictionKind }[]> {
  if (entries.length === 0) return [];
  const rows = entries.map(({ id, patternId, kind, windowDays, prediction }) => ({
    id,
    pattern_id: patternId,
    kind,
    window_days: windowDays,
    issued_at: new Date(prediction.issuedAt).toISOString(),
    window_start: new Date(prediction.windowStart).toISOString(),
    window_end: new Date(prediction.windowEnd).toISOString(),
    probability: prediction.probability,
    expected_count: prediction.expectedCount,
    impact: prediction.impact,
    model_version: prediction.modelVersion,
    features: prediction.features,
    features_hash: prediction.featuresHash,
  }));
  const inserted = await client.query<{ id: string; pattern_id: string; window_days: number; probability: number; kind: PredictionKind }>(
    `insert into predictions (workspace_id, id, pattern_id, kind, window_days, issued_at, window_start, window_end,
                              probability, expected_count, impact, model_version, features, features_hash)
     select app_current_tenant(), r.id, r.pattern_id, r.kind, r.window_days, r.issued_at, r.window_start, r.window_end,
            r.probability, r.expected_count, r.impact, r.model_version, r.features, r.features_hash
       from jsonb_to_recordset($1::jsonb) as r(id uuid, pattern_id uuid, kind text, window_days smallint, issued_at timestamptz,
            window_start timestamptz, window_end timestamptz, probability double precision, expected_count double precision,
            impact double precision, model_version text, features jsonb, features_hash text)
     on conflict (workspace_id, pattern_id, window_days, window_start) do nothing
     returning id, pattern_id, window_days, probability, kind`,
    [JSON.stringify(rows)],
  );
  return inserted.rows;
}

/** A pattern's recurrence state as stored (0021): the columns of PatternRow it is made from. */
export type StoredRecurrenceState = Pick<PatternRow, 'first_seen' | 'model_at' | 'model_count' | 'model_exposure_days' | 'model_last_counted_at'>;

/**
 * The state a prediction issued at `issuedAt` starts from. A state not started yet is empty at
 * first_seen. A state ahead of issuedAt (a record stamped up to a day in the future, which
 * ingest accepts) is taken as current at issuedAt, its latest events counted as if they had
 * just happened: a weight and an exposure off by at most a day's decay (2 % at a 30-day
 * half-life), and the forecast can still be issued and recomputed from its features.
 */
export function storedRecurrenceState(pattern: StoredRecurrenceState, issuedAt: number): RecurrenceState {
  const at = (pattern.model_at ?? pattern.first_seen).getTime();
  return {
    at: Math.min(at, issuedAt),
    count: pattern.model_count,
    exposureDays: pattern.model_exposure_days,
    lastCountedAt: pattern.model_last_counted_at?.getTime() ?? null,
  };
}
