import type { Pool } from 'pg';
import { uuidv7 } from 'uuidv7';
import { withTenant, type TenantClient } from '@causeloop/platform/db';
import type { Logger } from '@causeloop/platform/log';
import type { InsightsMetrics } from '../metrics.js';
import { predictRecurrence, stateFromEvents, type PredictionOutcome, type Severity } from '../predictions/index.js';

// The predictor (issue 19, docs/predictions.md): one run forecasts every emerging or active
// pattern of every workspace and scores the forecasts whose window has closed. One replica at
// a time runs it (a PostgreSQL session advisory lock, as tenancy's retention purge does); each
// workspace is worked in its own tenant transaction, so one failing workspace stops nothing
// else and a run cut short loses nothing.
//
// - Windows of 7, 14 and 30 days start at the next whole hour after the run. A pattern has one
//   open forecast per window length at a time: a new one is issued once the previous window
//   has ended, so the scored windows of a pattern do not overlap (each recurrence is scored
//   once per window length) and the ledger grows by about 0.21 rows a day per pattern. The
//   unique index on (pattern, window length, window start) makes a repeated run issue nothing.
// - The model's state (decayed count and exposure) is computed when predicting from the
//   pattern's issue times (stateFromEvents, O(issues of the pattern)), not kept on the pattern.
// - After window_end + grace the outcome is written once: hit when an issue of the pattern (its
//   issues include those of patterns merged into it) occurred in [window_start, window_end),
//   miss when none did, void when the pattern has been merged away, or was split during the
//   window (the question no longer has one answer).

/** Key of the session advisory lock held by the replica running the predictor ("predic"). */
export const predictorLockKey = 0x707265646963;

export const predictionWindowDays = [7, 14, 30] as const;

const msPerHour = 3_600_000;
const pageSize = 100;

export interface PredictorOptions {
  readonly pool: Pool;
  readonly logger: Logger;
  /** Now; tests pass their own. */
  readonly clock: () => Date;
  /** How long after a window closes its outcome is written (late issues still count). */
  readonly graceMs: number;
  readonly metrics?: Pick<InsightsMetrics, 'predictionIssued' | 'predictionScored'>;
}

export interface PredictorReport {
  /** False when another replica held the lock: this run did nothing. */
  readonly leader: boolean;
  readonly workspaces: number;
  readonly issued: number;
  readonly scored: number;
}

export async function runPredictor(options: PredictorOptions): Promise<PredictorReport> {
  const { pool, logger } = options;
  const session = await pool.connect();
  let leader = false;
  try {
    const locked = await session.query<{ locked: boolean }>('select pg_try_advisory_lock($1) as locked', [predictorLockKey]);
    leader = locked.rows[0]?.locked === true;
    if (!leader) return { leader: false, workspaces: 0, issued: 0, scored: 0 };
    const now = options.clock();
    let workspaces = 0;
    let issued = 0;
    let scored = 0;
    let after: string | null = null;
    for (;;) {
      const page: { rows: { workspace_id: string }[] } = await session.query<{ workspace_id: string }>(
        'select workspace_id from insights_prediction_workspace_ids($1, $2)',
        [after, pageSize],
      );
      for (const { workspace_id: workspaceId } of page.rows) {
        try {
          const done = await predictWorkspace(options, workspaceId, now);
          issued += done.issued;
          scored += done.scored;
          workspaces += 1;
        } catch (error) {
          logger.error({ err: error, workspace_id: workspaceId }, 'predictor failed for a workspace');
        }
      }
      if (page.rows.length < pageSize) break;
      after = page.rows.at(-1)!.workspace_id;
    }
    return { leader: true, workspaces, issued, scored };
  } finally {
    if (leader) await session.query('select pg_advisory_unlock($1)', [predictorLockKey]).catch(() => undefined);
    session.release();
  }
}

/** Scores the workspace's closed windows, then issues its due forecasts, in one tenant transaction. */
export async function predictWorkspace(
  options: Pick<PredictorOptions, 'pool' | 'graceMs' | 'metrics'>,
  workspaceId: string,
  now: Date,
): Promise<{ issued: number; scored: number }> {
  return withTenant(options.pool, workspaceId, async (client) => {
    const outcomes = await scoreClosedWindows(client, now, options.graceMs);
    for (const outcome of outcomes) options.metrics?.predictionScored(outcome);
    const windows = await issueDuePredictions(client, workspaceId, now);
    for (const windowDays of windows) options.metrics?.predictionIssued(windowDays);
    return { issued: windows.length, scored: outcomes.length };
  });
}

async function scoreClosedWindows(client: TenantClient, now: Date, graceMs: number): Promise<PredictionOutcome[]> {
  const result = await client.query<{ outcome: PredictionOutcome }>(
    `update predictions r
        set outcome = s.outcome, outcome_at = $1, observed_count = s.observed_count
       from (
         select d.workspace_id, d.id,
                case when v.void then 'void' when c.n > 0 then 'hit' else 'miss' end as outcome,
                case when v.void then null else c.n end as observed_count
           from predictions d
           join patterns p on p.workspace_id = d.workspace_id and p.id = d.pattern_id
           cross join lateral (
             select count(*)::integer as n from issues i
              where i.workspace_id = d.workspace_id
                and (i.pattern_id = d.pattern_id
                     or i.pattern_id in (select m.id from patterns m
                                          where m.workspace_id = d.workspace_id and m.merged_into = d.pattern_id))
                and i.occurred_at >= d.window_start and i.occurred_at < d.window_end
           ) c
           cross join lateral (
             select p.status = 'merged' or exists (
               select 1 from audit_log a
                where a.workspace_id = d.workspace_id and a.action = 'pattern.split'
                  and a.target_type = 'pattern' and a.target_id = d.pattern_id::text
                  and a.created_at >= d.window_start and a.created_at < d.window_end
             ) as void
           ) v
          where d.outcome is null and d.window_end <= $1::timestamptz - make_interval(secs => $2::double precision / 1000)
       ) s
      where r.workspace_id = s.workspace_id and r.id = s.id and r.outcome is null
      returning r.outcome`,
    [now, graceMs],
  );
  return result.rows.map((row) => row.outcome);
}

/** Issues the forecasts due now; returns the window lengths of the rows written. */
async function issueDuePredictions(client: TenantClient, workspaceId: string, now: Date): Promise<number[]> {
  const issuedAt = now.getTime();
  const windowStart = Math.ceil(issuedAt / msPerHour) * msPerHour;
  // Patterns to forecast, with the window lengths that have no open forecast at windowStart
  // and the pattern's issue times up to now.
  const due = await client.query<{ id: string; severity: number; first_seen: Date; missing: number[]; events: number[] }>(
    `select p.id, p.severity, p.first_seen, w.missing,
            coalesce((select array_agg((extract(epoch from i.occurred_at) * 1000)::float8 order by i.occurred_at)
                        from issues i
                       where i.workspace_id = p.workspace_id and i.pattern_id = p.id and i.occurred_at <= $1),
                     '{}'::float8[]) as events
       from patterns p
       cross join lateral (
         select array_agg(days) as missing from unnest($3::smallint[]) days
          where not exists (select 1 from predictions r
                             where r.workspace_id = p.workspace_id and r.pattern_id = p.id and r.window_days = days
                               and r.window_end > $2)
       ) w
      where p.status in ('emerging', 'active') and w.missing is not null`,
    [now, new Date(windowStart), predictionWindowDays],
  );
  const rows = [];
  for (const pattern of due.rows) {
    const events = pattern.events.map(Number);
    const since = Math.min(pattern.first_seen.getTime(), events[0] ?? Infinity, issuedAt);
    const state = stateFromEvents(events, { since, at: issuedAt });
    for (const windowDays of pattern.missing) {
      const prediction = predictRecurrence({ state, issuedAt, windowStart, windowDays, severity: pattern.severity as Severity });
      rows.push({
        id: uuidv7(),
        pattern_id: pattern.id,
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
      });
    }
  }
  if (rows.length === 0) return [];
  const inserted = await client.query<{ window_days: number }>(
    `insert into predictions (workspace_id, id, pattern_id, window_days, issued_at, window_start, window_end,
                              probability, expected_count, impact, model_version, features, features_hash)
     select $1, r.id, r.pattern_id, r.window_days, r.issued_at, r.window_start, r.window_end,
            r.probability, r.expected_count, r.impact, r.model_version, r.features, r.features_hash
       from jsonb_to_recordset($2::jsonb) as r(id uuid, pattern_id uuid, window_days smallint, issued_at timestamptz,
            window_start timestamptz, window_end timestamptz, probability double precision, expected_count double precision,
            impact double precision, model_version text, features jsonb, features_hash text)
     on conflict (workspace_id, pattern_id, window_days, window_start) do nothing
     returning window_days`,
    [workspaceId, JSON.stringify(rows)],
  );
  return inserted.rows.map((row) => row.window_days);
}
