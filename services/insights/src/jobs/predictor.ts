import type { Pool } from 'pg';
import { uuidv7 } from 'uuidv7';
import { withTenant, type TenantClient } from '@causeloop/platform/db';
import type { Logger } from '@causeloop/platform/log';
import type { InsightsMetrics } from '../metrics.js';
import { predictRecurrence, type PredictionOutcome, type Severity } from '../predictions/index.js';
import { PgOutboxStore } from '../stores/outbox-store.js';
import { appendPredictions, storedRecurrenceState, type AppendedPrediction, type LedgerEntry, type StoredRecurrenceState } from '../stores/prediction-ledger.js';

// The predictor (issue 19, docs/predictions.md): one run forecasts every emerging or active
// pattern of every workspace and scores the forecasts whose window has closed. The elected
// leader runs it (main.ts guards it with `leaderOnly`, DESIGN §10); each workspace is worked
// in its own tenant transaction, so one failing workspace stops nothing else and a run cut
// short loses nothing.
//
// Two leaders can overlap briefly (one paused past its lease). Scoring is safe then (an
// outcome is written only while it is null) and so is issuing within one hour (the unique
// index), but two runs either side of a whole hour would each see no open forecast and
// issue windows starting an hour apart. So a workspace is worked under a transaction-level
// advisory lock, and a run that finds it taken skips that workspace: the other run does it.
//
// - Windows of 7, 14 and 30 days start at the next whole hour after the run. A pattern has one
//   open forecast per window length at a time: a new one is issued once the previous window
//   has ended, so the scored windows of a pattern do not overlap (each recurrence is scored
//   once per window length) and the ledger grows by about 0.21 rows a day per pattern. The
//   unique index on (pattern, window length, window start) makes a repeated run issue nothing.
// - The model's state (decayed count and exposure) is read from the pattern, where ingest keeps
//   it current in O(1) per issue (0021, PatternStore.applyIngest): a run costs O(patterns),
//   not O(issues).
// - After window_end + grace the outcome is written once: hit when an issue of the pattern (its
//   issues include those of patterns merged into it) occurred in [window_start, window_end),
//   miss when none did, void when the pattern has been merged away, or was split during the
//   window (the question no longer has one answer).

export const predictionWindowDays = [7, 14, 30] as const;

/**
 * A 7-day forecast at least this likely writes a `prediction.raised` event: a pattern more
 * likely than not to be back within a week. One event per pattern and week-long window, not
 * one per window length, which would say the same thing three times.
 */
export const raisedProbability = 0.5;
const raisedWindowDays = 7;
const outbox = new PgOutboxStore();

const msPerHour = 3_600_000;
const pageSize = 100;
/** Patterns whose forecasts go in one INSERT (three rows each). */
const patternsPerWrite = 500;

export interface PredictorOptions {
  readonly pool: Pool;
  readonly logger: Logger;
  /** Now; tests pass their own. */
  readonly clock: () => Date;
  /** How long after a window closes its outcome is written (late issues still count). */
  readonly graceMs: number;
  readonly metrics?: Pick<InsightsMetrics, 'predictionIssued' | 'predictionScored'>;
  /** Aborted when leadership is lost or the process shuts down: the run stops between workspaces. */
  readonly signal?: AbortSignal;
}

export interface PredictorReport {
  readonly workspaces: number;
  readonly issued: number;
  readonly scored: number;
}

export async function runPredictor(options: PredictorOptions): Promise<PredictorReport> {
  const { pool, logger, signal } = options;
  const now = options.clock();
  let workspaces = 0;
  let issued = 0;
  let scored = 0;
  let after: string | null = null;
  for (;;) {
    const page: { rows: { workspace_id: string }[] } = await pool.query<{ workspace_id: string }>(
      'select workspace_id from insights_prediction_workspace_ids($1, $2)',
      [after, pageSize],
    );
    for (const { workspace_id: workspaceId } of page.rows) {
      if (signal?.aborted === true) return { workspaces, issued, scored };
      try {
        const done = await predictWorkspace(options, workspaceId, now);
        if (done === undefined) continue;
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
  return { workspaces, issued, scored };
}

/**
 * Scores the workspace's closed windows, then issues its due forecasts, in one tenant
 * transaction; undefined when another run holds the workspace (see the top of this file).
 */
export async function predictWorkspace(
  options: Pick<PredictorOptions, 'pool' | 'graceMs' | 'metrics'>,
  workspaceId: string,
  now: Date,
): Promise<{ issued: number; scored: number } | undefined> {
  return withTenant(options.pool, workspaceId, async (client) => {
    const locked = await client.query<{ locked: boolean }>(
      "select pg_try_advisory_xact_lock(hashtextextended('causeloop.insights.predictor:' || app_current_tenant()::text, 0)) as locked",
    );
    if (locked.rows[0]?.locked !== true) return undefined;
    const outcomes = await scoreClosedWindows(client, now, options.graceMs);
    for (const outcome of outcomes) options.metrics?.predictionScored(outcome);
    const windows = await issueDuePredictions(client, now);
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
async function issueDuePredictions(client: TenantClient, now: Date): Promise<number[]> {
  const issuedAt = now.getTime();
  const windowStart = Math.ceil(issuedAt / msPerHour) * msPerHour;
  // Patterns to forecast, with their recurrence state and the window lengths that have no open
  // forecast at windowStart.
  const due = await client.query<StoredRecurrenceState & { id: string; severity: number; missing: number[] }>(
    `select p.id, p.severity, p.first_seen, p.model_at, p.model_count, p.model_exposure_days, p.model_last_counted_at, w.missing
       from patterns p
       cross join lateral (
         select array_agg(days) as missing from unnest($2::smallint[]) days
          where not exists (select 1 from predictions r
                             where r.workspace_id = p.workspace_id and r.pattern_id = p.id and r.kind = 'forecast' and r.window_days = days
                               and r.window_end > $1)
       ) w
      where p.status in ('emerging', 'active') and w.missing is not null`,
    [new Date(windowStart), predictionWindowDays],
  );
  // The forecasts go to the ledger in chunks, each computed (and hashed) while the database
  // writes the one before: on two cores that hid most of the computing in a 10,000-pattern
  // run. One statement at a time on the connection, as pg requires.
  const inserted: AppendedPrediction[] = [];
  let writing: Promise<AppendedPrediction[]> | undefined;
  for (let first = 0; first < due.rows.length; first += patternsPerWrite) {
    const entries: LedgerEntry[] = [];
    for (const pattern of due.rows.slice(first, first + patternsPerWrite)) {
      const state = storedRecurrenceState(pattern, issuedAt);
      for (const windowDays of pattern.missing) {
        const prediction = predictRecurrence({ state, issuedAt, windowStart, windowDays, severity: pattern.severity as Severity });
        entries.push({ id: uuidv7(), patternId: pattern.id, kind: 'forecast', windowDays, prediction });
      }
    }
    // Awaited right after the synchronous loop above, so its failure is always observed.
    if (writing !== undefined) inserted.push(...(await writing));
    writing = appendWithEvents(client, entries);
  }
  if (writing !== undefined) inserted.push(...(await writing));
  return inserted.map((row) => row.window_days);
}

/** Appends forecasts, then the events of those more likely than not: what a team may want pushed to it (webhooks). */
async function appendWithEvents(client: TenantClient, entries: readonly LedgerEntry[]): Promise<AppendedPrediction[]> {
  const inserted = await appendPredictions(client, entries);
  await outbox.append(
    client,
    inserted
      .filter((row) => row.window_days === raisedWindowDays && row.probability >= raisedProbability)
      .map((row) => ({
        type: 'prediction.raised' as const,
        dedupeKey: `prediction.raised:${row.id}`,
        payload: { prediction_id: row.id, pattern_id: row.pattern_id, window_days: row.window_days, probability: row.probability },
      })),
  );
  return inserted;
}
