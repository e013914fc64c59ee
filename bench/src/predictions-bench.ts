import { performance } from 'node:perf_hooks';
import { uuidv7 } from 'uuidv7';
import { createPool, withTenant, type TenantClient } from '@causeloop/platform/db';
import { defaultRecurrenceParams, stateFromEvents } from '@causeloop/insights/predictions';
import { predictionWindowDays, predictWorkspace } from '@causeloop/insights/predictor';
import { withBenchDatabase } from './bench-database.js';

const patternCount = 10_000;
/** Issues per pattern run from 1 to this (about 10,000 × 20 issues in all). */
const mostIssues = 40;
const historyDays = 180;
/** Issue 19: one predictor run over 10,000 patterns (3 windows each) within this. */
const targetSeconds = 2;
const hourMs = 3_600_000;

/**
 * `npm run bench -- insights-predictions` (issue 19): one predictor run forecasting 10,000
 * active patterns of one workspace for 7, 14 and 30 days (30,000 ledger rows), each pattern
 * with 1 to 40 issues over 180 days and its recurrence state kept on it (0021). Beside it, in
 * the same run: the baseline, a plain INSERT of the same 30,000 ledger rows (what writing
 * them costs with no reading or forecasting), and what the predictor read before 0021, every
 * pattern's issue times, with the state computed from them (stateFromEvents), without writing.
 */
export async function benchPredictions(): Promise<void> {
  console.log(`\nPredictions (issue 19): a predictor run over ${patternCount.toLocaleString('en')} patterns`);
  await withBenchDatabase(async ({ appUrl }) => {
    const pool = createPool({ connectionString: appUrl, applicationName: 'bench-predictions', max: 2 });
    try {
      const patternIds = Array.from({ length: patternCount }, () => uuidv7());
      const now = Date.now();
      const measured = uuidv7();
      const copy = uuidv7();
      const seeding = performance.now();
      await seed(pool, measured, patternIds, now, true);
      await seed(pool, copy, patternIds, now, false);
      console.log(`  seeded in ${((performance.now() - seeding) / 1000).toFixed(1)} s`);

      const run = performance.now();
      const done = await predictWorkspace({ pool, graceMs: hourMs }, measured, new Date(now));
      const runSeconds = (performance.now() - run) / 1000;
      const expected = patternCount * predictionWindowDays.length;
      if (done?.issued !== expected) throw new Error(`the predictor issued ${done?.issued ?? 'nothing'}, not ${expected}`);

      const ledger = await withTenant(pool, measured, (client) =>
        client.query<Record<string, unknown>>(
          `select pattern_id, kind, window_days, issued_at, window_start, window_end, probability, expected_count, impact,
                  model_version, features, features_hash from predictions`,
        ),
      );
      const insert = performance.now();
      const inserted = await withTenant(pool, copy, (client) => insertLedger(client, ledger.rows));
      const insertSeconds = (performance.now() - insert) / 1000;
      if (inserted !== expected) throw new Error(`the baseline inserted ${inserted} rows, not ${expected}`);

      const old = performance.now();
      const states = await withTenant(pool, measured, (client) => statesFromIssueTimes(client, now));
      const oldSeconds = (performance.now() - old) / 1000;
      if (states !== patternCount) throw new Error(`computed ${states} states, not ${patternCount}`);

      const line = (label: string, seconds: number, note: string) =>
        console.log(`  ${label.padEnd(64)}${seconds.toFixed(3).padStart(8)} s   ${note}`);
      line(`plain INSERT of the same ${expected.toLocaleString('en')} ledger rows`, insertSeconds, '(baseline)');
      line('predictor run: state read from patterns, 30,000 forecasts written', runSeconds, `${(runSeconds / insertSeconds).toFixed(2)}x baseline`);
      line('before 0021: every issue time read, state computed (no writes)', oldSeconds, `${(oldSeconds / insertSeconds).toFixed(2)}x baseline`);
      console.log(`  target: predictor run <= ${targetSeconds} s: ${runSeconds.toFixed(3)} s, ${runSeconds <= targetSeconds ? 'met' : 'NOT met'}`);
    } finally {
      await pool.end();
    }
  });
}

/** A workspace of active patterns; with `issues`, their histories and the recurrence state made from them (as 0021's backfill does). */
async function seed(pool: ReturnType<typeof createPool>, workspaceId: string, patternIds: readonly string[], now: number, issues: boolean): Promise<void> {
  await withTenant(pool, workspaceId, async (client) => {
    await client.query('insert into workspaces (id, name) values ($1, $2)', [workspaceId, `Predictions ${workspaceId}`]);
    await client.query(
      `insert into patterns (workspace_id, id, template, status, severity, first_seen, last_seen)
       select app_current_tenant(), id, 'Timeout calling <*> after <*> ms', 'active', 1 + (n % 4)::smallint,
              $2::timestamptz - make_interval(days => $3), $2::timestamptz
         from unnest($1::uuid[]) with ordinality as p(id, n)`,
      [patternIds, new Date(now), historyDays],
    );
    if (!issues) return;
    await client.query(
      `insert into issues (workspace_id, id, source, external_id, title, fingerprint, template, pattern_id, occurred_at)
       select app_current_tenant(), uuidv7(), 'bench', p.n || '-' || k, 'Timeout calling billing after 3000 ms', 'fp', 'Timeout calling <*> after <*> ms',
              p.id, $2::timestamptz - make_interval(secs => random() * $3 * 86400)
         from unnest($1::uuid[]) with ordinality as p(id, n)
         cross join lateral generate_series(1, 1 + (p.n % $4)::int) k`,
      [patternIds, new Date(now), historyDays, mostIssues],
    );
    await client.query(
      `update patterns p
          set (model_at, model_count, model_exposure_days, model_last_counted_at) = (
                select s.at, s.count, s.exposure_days, s.last_counted_at
                  from insights_recurrence_observe(null, 0, null, p.first_seen,
                         array(select i.occurred_at from issues i where i.pattern_id = p.id), $1, $2) s)`,
      [defaultRecurrenceParams.halfLifeDays, defaultRecurrenceParams.episodeMinutes],
    );
  });
}

/** The baseline: the same rows in one plain INSERT, in the ledger store's own form (a column array each). */
async function insertLedger(client: TenantClient, rows: readonly Record<string, unknown>[]): Promise<number> {
  const column = (name: string, as: (value: unknown) => unknown = (value) => value) => rows.map((row) => as(row[name]));
  const result = await client.query(
    `insert into predictions (workspace_id, id, pattern_id, kind, window_days, issued_at, window_start, window_end,
                              probability, expected_count, impact, model_version, features, features_hash)
     select app_current_tenant(), uuidv7(), r.pattern_id, r.kind, r.window_days, r.issued_at, r.window_start, r.window_end,
            r.probability, r.expected_count, r.impact, r.model_version, r.features::json, r.features_hash
       from unnest($1::uuid[], $2::text[], $3::smallint[], $4::timestamptz[], $5::timestamptz[], $6::timestamptz[],
                   $7::double precision[], $8::double precision[], $9::double precision[], $10::text[], $11::text[], $12::text[])
            as r(pattern_id, kind, window_days, issued_at, window_start, window_end,
                 probability, expected_count, impact, model_version, features, features_hash)`,
    [
      column('pattern_id'),
      column('kind'),
      column('window_days'),
      column('issued_at'),
      column('window_start'),
      column('window_end'),
      column('probability'),
      column('expected_count'),
      column('impact'),
      column('model_version'),
      column('features', (features) => JSON.stringify(features)),
      column('features_hash'),
    ],
  );
  return result.rowCount ?? 0;
}

/** What the predictor did before 0021: every active pattern's issue times, and the state from them. */
async function statesFromIssueTimes(client: TenantClient, now: number): Promise<number> {
  const result = await client.query<{ first_seen: Date; events: number[] }>(
    `select p.first_seen,
            coalesce((select array_agg((extract(epoch from i.occurred_at) * 1000)::float8 order by i.occurred_at)
                        from issues i
                       where i.workspace_id = p.workspace_id and i.pattern_id = p.id and i.occurred_at <= $1),
                     '{}'::float8[]) as events
       from patterns p where p.status in ('emerging', 'active')`,
    [new Date(now)],
  );
  let states = 0;
  for (const row of result.rows) {
    const events = row.events.map(Number);
    stateFromEvents(events, { since: Math.min(row.first_seen.getTime(), events[0] ?? Infinity, now), at: now });
    states += 1;
  }
  return states;
}
