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

/** A row appendPredictions wrote. */
export interface AppendedPrediction {
  readonly id: string;
  readonly pattern_id: string;
  readonly window_days: number;
  readonly probability: number;
  readonly kind: PredictionKind;
}

/**
 * Appends predictions to the current tenant's ledger; one already there for the same
 * pattern, window length and start is kept. Returns the rows written.
 */
export async function appendPredictions(client: TenantClient, entries: readonly LedgerEntry[]): Promise<AppendedPrediction[]> {
  if (entries.length === 0) return [];
  // One array per column, unnested (cheaper to parse than one JSON document of rows), and the
  // features as the canonical text their hash was taken of, stored as it is (json, 0023).
  // Times go as ISO text: pg's own Date formatting costs several times more.
  const column = <T>(pick: (entry: LedgerEntry) => T): T[] => entries.map(pick);
  const inserted = await client.query<AppendedPrediction>(
    `insert into predictions (workspace_id, id, pattern_id, kind, window_days, issued_at, window_start, window_end,
                              probability, expected_count, impact, model_version, features, features_hash)
     select app_current_tenant(), r.id, r.pattern_id, r.kind, r.window_days, r.issued_at, r.window_start, r.window_end,
            r.probability, r.expected_count, r.impact, r.model_version, r.features::json, r.features_hash
       from unnest($1::uuid[], $2::uuid[], $3::text[], $4::smallint[], $5::timestamptz[], $6::timestamptz[], $7::timestamptz[],
                   $8::double precision[], $9::double precision[], $10::double precision[], $11::text[], $12::text[], $13::text[])
            as r(id, pattern_id, kind, window_days, issued_at, window_start, window_end,
                 probability, expected_count, impact, model_version, features, features_hash)
     on conflict (workspace_id, pattern_id, window_days, window_start) do nothing
     returning id, pattern_id, window_days, probability, kind`,
    [
      column((entry) => entry.id),
      column((entry) => entry.patternId),
      column((entry) => entry.kind),
      column((entry) => entry.windowDays),
      column((entry) => new Date(entry.prediction.issuedAt).toISOString()),
      column((entry) => new Date(entry.prediction.windowStart).toISOString()),
      column((entry) => new Date(entry.prediction.windowEnd).toISOString()),
      column((entry) => entry.prediction.probability),
      column((entry) => entry.prediction.expectedCount),
      column((entry) => entry.prediction.impact),
      column((entry) => entry.prediction.modelVersion),
      column((entry) => entry.prediction.featuresJson),
      column((entry) => entry.prediction.featuresHash),
    ],
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
