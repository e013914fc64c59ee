import { createHash } from 'node:crypto';
import type { MessageInitShape } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import type { PredictionSchema, PredictionService } from '@causeloop/proto/causeloop/insights/v1/predictions_pb.js';
import { withTenant } from '@causeloop/platform/db';
import { invalidField } from '@causeloop/platform/errors';
import type { ScopedHandler } from '@causeloop/platform/identity';
import { readPage, writePage } from '@causeloop/platform/pagination';
import type { InsightsDeps } from '../deps.js';
import { predictionWindowDays } from '../jobs/predictor.js';
import { minimumScoredPredictions, scorePredictions, type PredictionOutcome } from '../predictions/index.js';
import { queryParameters, readPosition } from '../stores/keyset.js';

// The prediction ledger's read API (docs/predictions.md). Every query runs in withTenant, so
// row-level security keeps each workspace to its own rows.

interface PredictionRow {
  readonly id: string;
  readonly pattern_id: string;
  readonly window_days: number;
  readonly issued_at: Date;
  readonly window_start: Date;
  readonly window_end: Date;
  readonly probability: number;
  readonly expected_count: number;
  readonly impact: number;
  readonly model_version: string;
  readonly features_hash: string;
  readonly outcome: PredictionOutcome | null;
  readonly outcome_at: Date | null;
  readonly observed_count: number | null;
  readonly kind: string;
}

function predictionView(row: PredictionRow): MessageInitShape<typeof PredictionSchema> {
  return {
    id: row.id,
    patternId: row.pattern_id,
    windowDays: row.window_days,
    issuedAt: timestampFromDate(row.issued_at),
    windowStart: timestampFromDate(row.window_start),
    windowEnd: timestampFromDate(row.window_end),
    probability: row.probability,
    expectedCount: row.expected_count,
    impact: row.impact,
    modelVersion: row.model_version,
    featuresHash: row.features_hash,
    outcome: row.outcome ?? 'open',
    outcomeAt: row.outcome_at === null ? undefined : timestampFromDate(row.outcome_at),
    observedCount: row.observed_count ?? undefined,
    kind: row.kind,
  };
}

/** 0 (every window length) or one of 7, 14, 30. */
function windowDaysOf(value: number, field: string): number | undefined {
  if (value === 0) return undefined;
  if (!(predictionWindowDays as readonly number[]).includes(value)) throw invalidField(field, 'must be 7, 14 or 30');
  return value;
}

/** ListPredictions: latest issued first (uuidv7 ids), filtered, keyset-paginated on the id. */
export function listPredictions(deps: Pick<InsightsDeps, 'pool' | 'cursorKey'>): ScopedHandler<typeof PredictionService, 'listPredictions'> {
  return async (request, { principal }) => {
    const filter = {
      minProbability: request.minProbability,
      windowDays: windowDaysOf(request.windowDays, 'window_days'),
      patternId: request.patternId || undefined,
      outcome: request.outcome || undefined,
      kind: request.kind || undefined,
    };
    const digest = createHash('sha256').update(JSON.stringify(filter)).digest('base64url').slice(0, 16);
    const list = `predictions:${principal.workspaceId}:${digest}`;
    const { limit, after } = readPage(deps.cursorKey, list, request.page);
    const position = after === undefined ? undefined : readPosition(after, 1);
    if (after !== undefined && (position === undefined || typeof position[0] !== 'string')) {
      throw invalidField('page.cursor', 'is not a cursor from this list');
    }
    const { values, param } = queryParameters();
    const where: string[] = [];
    if (filter.minProbability > 0) where.push(`r.probability >= ${param(filter.minProbability)}`);
    if (filter.windowDays !== undefined) where.push(`r.window_days = ${param(filter.windowDays)}`);
    if (filter.patternId !== undefined) where.push(`r.pattern_id = ${param(filter.patternId)}::uuid`);
    if (filter.outcome === 'open') where.push('r.outcome is null');
    else if (filter.outcome !== undefined) where.push(`r.outcome = ${param(filter.outcome)}`);
    if (filter.kind !== undefined) where.push(`r.kind = ${param(filter.kind)}`);
    if (position !== undefined) where.push(`r.id < ${param(position[0])}::uuid`);
    const sql = `select r.id, r.pattern_id, r.window_days, r.issued_at, r.window_start, r.window_end, r.probability,
                        r.expected_count, r.impact, r.model_version, r.features_hash, r.outcome, r.outcome_at, r.observed_count, r.kind
                   from predictions r
                  ${where.length === 0 ? '' : `where ${where.join(' and ')}`}
                  order by r.id desc
                  limit ${param(limit + 1)}`;
    const rows = await withTenant(deps.pool, principal.workspaceId, async (client) => (await client.query<PredictionRow>(sql, values)).rows);
    const { data, page } = writePage(deps.cursorKey, list, rows, limit, (row) => JSON.stringify([row.id]));
    return { data: data.map(predictionView), page };
  };
}

const topPatterns = 5;

/** GetPredictionSummary: the open predictions per window length, with the most likely ones. */
export function getPredictionSummary(deps: Pick<InsightsDeps, 'pool'>): ScopedHandler<typeof PredictionService, 'getPredictionSummary'> {
  return async (_request, { principal }) => {
    const { totals, top } = await withTenant(deps.pool, principal.workspaceId, async (client) => ({
      totals: (
        await client.query<{ window_days: number; open: number; mean_probability: number | null; expected_count: number | null }>(
          `select window_days, count(*)::integer as open, avg(probability) as mean_probability, sum(expected_count) as expected_count
             from predictions where outcome is null and kind = 'forecast' group by window_days`,
        )
      ).rows,
      top: (
        await client.query<PredictionRow & { rank: number }>(
          `select * from (
             select r.id, r.pattern_id, r.window_days, r.probability, r.expected_count, r.impact,
                    row_number() over (partition by r.window_days order by r.probability desc, r.id desc) as rank
               from predictions r where r.outcome is null and r.kind = 'forecast'
           ) ranked where rank <= $1 order by window_days, rank`,
          [topPatterns],
        )
      ).rows,
    }));
    return {
      windows: predictionWindowDays.map((windowDays) => {
        const total = totals.find((row) => row.window_days === windowDays);
        return {
          windowDays,
          open: total?.open ?? 0,
          meanProbability: total?.mean_probability ?? 0,
          expectedCount: total?.expected_count ?? 0,
          topPatterns: top
            .filter((row) => row.window_days === windowDays)
            .map((row) => ({
              patternId: row.pattern_id,
              predictionId: row.id,
              probability: row.probability,
              expectedCount: row.expected_count,
              impact: row.impact,
            })),
        };
      }),
    };
  };
}

/** GetPredictionAccuracy: scorePredictions over the raw rows (withheld below 50 scored). */
export function getPredictionAccuracy(deps: Pick<InsightsDeps, 'pool'>): ScopedHandler<typeof PredictionService, 'getPredictionAccuracy'> {
  return async (request, { principal }) => {
    const windowDays = windowDaysOf(request.windowDays, 'window_days');
    const rows = await withTenant(deps.pool, principal.workspaceId, async (client) =>
      (
        await client.query<{ probability: number; outcome: PredictionOutcome }>(
          // Forecasts only: a proof-window prediction asks what would happen without the fix, so a
          // fix that works makes it miss by design (docs/loop.md).
          `select probability, outcome from predictions
            where outcome is not null and kind = 'forecast' and ($1::smallint is null or window_days = $1)`,
          [windowDays ?? null],
        )
      ).rows,
    );
    const accuracy = scorePredictions(rows);
    if (accuracy.status === 'withheld') {
      return { status: 'withheld', scored: accuracy.scored, minimumScored: accuracy.minimumScored, reason: accuracy.reason };
    }
    return {
      status: 'scored',
      scored: accuracy.scored,
      minimumScored: minimumScoredPredictions,
      hits: accuracy.hits,
      voided: accuracy.voided,
      brierScore: accuracy.brierScore,
      climatology: accuracy.climatology,
      climatologyBrierScore: accuracy.climatologyBrierScore,
      brierSkillScore: accuracy.brierSkillScore ?? undefined,
      reliability: accuracy.reliability.map((bin) => ({
        lower: bin.lower,
        upper: bin.upper,
        count: bin.count,
        meanForecast: bin.meanForecast ?? undefined,
        observedFrequency: bin.observedFrequency ?? undefined,
      })),
      expectedCalibrationError: accuracy.expectedCalibrationError,
    };
  };
}
