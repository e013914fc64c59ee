import type { TenantClient } from '@causeloop/platform/db';
import type { RecurrencePrediction } from '../predictions/index.js';

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

/** The times (epoch ms, ascending) of the pattern's issues up to `at`: what the recurrence state is made from. */
export async function patternEventTimes(client: TenantClient, options: { patternId: string; at: Date }): Promise<number[]> {
  const result = await client.query<{ events: number[] }>(
    `select coalesce(array_agg((extract(epoch from i.occurred_at) * 1000)::float8 order by i.occurred_at), '{}'::float8[]) as events
       from issues i where i.pattern_id = $1 and i.occurred_at <= $2`,
    [options.patternId, options.at],
  );
  return (result.rows[0]?.events ?? []).map(Number);
}
