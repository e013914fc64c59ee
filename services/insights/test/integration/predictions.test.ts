import { createHash } from 'node:crypto';
import type { Pool } from 'pg';
import { uuidv7 } from 'uuidv7';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool, withTenant, type TenantClient } from '@causeloop/platform/db';
import { createLogger } from '@causeloop/platform/log';
import { createTestDatabase, seedWorkspace, type TestDatabase } from '@causeloop/platform/testing';
import { runPredictor } from '../../src/jobs/predictor.js';
import { scorePredictions } from '../../src/predictions/index.js';
import { PgPatternStore } from '../../src/stores/pattern-store.js';
import { startInsightsStack, type InsightsStack, type Tenant } from '../support/insights-stack.js';

// The prediction ledger (issue 19, docs/predictions.md): append-only but for one outcome
// write, filled by the predictor on a clock the test passes, scored after window_end + grace.

const hour = 3_600_000;
const day = 24 * hour;

let database: TestDatabase;
let pool: Pool;
const logger = createLogger({ level: 'silent', service: 'predictions-test' } as never);

beforeAll(async () => {
  database = await createTestDatabase();
  pool = createPool({ connectionString: database.appUrl, applicationName: 'predictions-test', max: 4 });
});
afterAll(async () => {
  await pool?.end();
  await database?.drop();
});

const patternStore = new PgPatternStore();

async function seedPattern(workspaceId: string, options: { status?: string; issueTimes: readonly number[]; severity?: number }): Promise<string> {
  const id = uuidv7();
  const times = [...options.issueTimes].sort((a, b) => a - b);
  await withTenant(pool, workspaceId, async (client) => {
    await client.query(
      `insert into patterns (workspace_id, id, template, status, severity, issue_count, first_seen, last_seen)
       values ($1, $2, 'Checkout failed: <*>', $3, $4, $5, $6, $7)`,
      [workspaceId, id, options.status ?? 'active', options.severity ?? 2, times.length, new Date(times[0]!), new Date(times.at(-1)!)],
    );
    await addIssues(client, workspaceId, id, times);
  });
  return id;
}

/** Issues written straight to the table, then the pattern's figures and recurrence state rebuilt from them (as a merge does). */
async function addIssues(client: TenantClient, workspaceId: string, patternId: string, times: readonly number[]) {
  for (const at of times) {
    await client.query(
      `insert into issues (workspace_id, id, source, external_id, title, fingerprint, template, pattern_id, occurred_at)
       values ($1, $2, 'sentry', $3, 'Checkout failed', 'fp', 'Checkout failed', $4, $5)`,
      [workspaceId, uuidv7(), uuidv7(), patternId, new Date(at)],
    );
  }
  await patternStore.recount(client, { ids: [patternId] });
}

interface LedgerRow {
  id: string;
  pattern_id: string;
  window_days: number;
  issued_at: Date;
  window_start: Date;
  window_end: Date;
  probability: number;
  outcome: string | null;
  observed_count: number | null;
}

async function ledger(workspaceId: string): Promise<LedgerRow[]> {
  return withTenant(pool, workspaceId, async (client) =>
    (await client.query<LedgerRow>('select * from predictions order by window_days, window_start')).rows,
  );
}

const grace = hour;
const run = (now: number) => runPredictor({ pool, logger, clock: () => new Date(now), graceMs: grace });

describe('the predictor', () => {
  const t0 = Date.UTC(2025, 0, 10, 12, 30);
  let workspaceId: string;
  let patternId: string;

  beforeAll(async () => {
    workspaceId = await seedWorkspace(pool, 'predictions-job');
    patternId = await seedPattern(workspaceId, { issueTimes: [t0 - 20 * day, t0 - 9 * day, t0 - 3 * day, t0 - day] });
    await seedPattern(workspaceId, { status: 'resolved', issueTimes: [t0 - 40 * day] });
  });

  it('issues 7, 14 and 30-day predictions for an active pattern, starting at the next whole hour', async () => {
    const report = await run(t0);
    expect(report).toMatchObject({ workspaces: 1, issued: 3, scored: 0 });
    const rows = await ledger(workspaceId);
    expect(rows.map((row) => row.window_days)).toEqual([7, 14, 30]);
    for (const row of rows) {
      expect(row.pattern_id).toBe(patternId);
      expect(row.issued_at.getTime()).toBe(t0);
      expect(row.window_start.getTime()).toBe(Date.UTC(2025, 0, 10, 13));
      expect(row.window_end.getTime()).toBe(row.window_start.getTime() + row.window_days * day);
      expect(row.probability).toBeGreaterThan(0);
      expect(row.probability).toBeLessThan(1);
      expect(row.outcome).toBeNull();
    }
    expect(rows[0]!.probability).toBeLessThan(rows[2]!.probability);
    // The row keeps the very text its hash was taken of: anyone can check it with sha256 alone.
    const stored = await withTenant(pool, workspaceId, (client) =>
      client.query<{ features: string; features_hash: string }>('select features::text as features, features_hash from predictions'),
    );
    for (const row of stored.rows) expect(createHash('sha256').update(row.features).digest('hex')).toBe(row.features_hash);
  });

  it('is idempotent: a second run, and a run in the next hour, issue nothing new', async () => {
    expect(await run(t0)).toMatchObject({ issued: 0, scored: 0 });
    expect(await run(t0 + 2 * hour)).toMatchObject({ issued: 0, scored: 0 });
    expect(await ledger(workspaceId)).toHaveLength(3);
  });

  it('skips a workspace another run is working on (two leaders overlapping), which that run finishes', async () => {
    // Held as another run's transaction holds it while working the workspace.
    const other = await pool.connect();
    try {
      await other.query('begin');
      await other.query(`select pg_advisory_xact_lock(hashtextextended('causeloop.insights.predictor:' || $1::text, 0))`, [workspaceId]);
      expect(await run(t0 + 3 * hour)).toEqual({ workspaces: 0, issued: 0, scored: 0 });
    } finally {
      await other.query('rollback');
      other.release();
    }
    expect(await run(t0 + 3 * hour)).toMatchObject({ workspaces: 1 });
  });

  it('writes hit and miss only after window_end + grace, then issues the next window', async () => {
    const start = Date.UTC(2025, 0, 10, 13);
    // One issue inside the 14-day window but after the 7-day one; none later.
    await withTenant(pool, workspaceId, (client) => addIssues(client, workspaceId, patternId, [start + 10 * day]));
    const sevenEnd = start + 7 * day;
    expect(await run(sevenEnd + grace - 1)).toMatchObject({ scored: 0 });
    // The 7-day window has ended (but is not scored yet): its successor is issued.
    let rows = await ledger(workspaceId);
    expect(rows.filter((row) => row.window_days === 7)).toHaveLength(2);

    expect(await run(sevenEnd + grace)).toMatchObject({ scored: 1 });
    expect(await run(start + 14 * day + grace)).toMatchObject({ scored: 1 });
    rows = await ledger(workspaceId);
    const first = (days: number) => rows.find((row) => row.window_days === days && row.window_start.getTime() === start)!;
    expect(first(7)).toMatchObject({ outcome: 'miss', observed_count: 0 });
    expect(first(14)).toMatchObject({ outcome: 'hit', observed_count: 1 });
    expect(first(30).outcome).toBeNull();
  });
});

describe('the ledger', () => {
  let workspaceId: string;
  let predictionId: string;

  beforeAll(async () => {
    workspaceId = await seedWorkspace(pool, 'predictions-ledger');
    const now = Date.UTC(2025, 2, 1, 8, 15);
    await seedPattern(workspaceId, { issueTimes: [now - 2 * day, now - day] });
    await run(now);
    predictionId = (await ledger(workspaceId))[0]!.id;
  });

  const asApp = (sql: string, values: unknown[] = []) => withTenant(pool, workspaceId, (client) => client.query(sql, [predictionId, ...values]));

  it.each([
    ['the probability', 'update predictions set probability = 0.5 where id = $1'],
    ['the window', `update predictions set window_end = window_end + interval '1 day' where id = $1`],
    ['the features', `update predictions set features = '{}'::json where id = $1`],
    ['the features hash', `update predictions set features_hash = repeat('0', 64) where id = $1`],
    ['the probability along with the outcome', `update predictions set probability = 0.5, outcome = 'miss', outcome_at = now(), observed_count = 0 where id = $1`],
  ])('refuses to change %s', async (_what, sql) => {
    await expect(asApp(sql)).rejects.toThrow(/immutable|must write its outcome/);
  });

  it('refuses an issued_at after the window start and a probability outside [0, 1]', async () => {
    await expect(
      asApp(`insert into predictions (workspace_id, id, pattern_id, window_days, issued_at, window_start, window_end, probability,
               expected_count, impact, model_version, features, features_hash)
             select workspace_id, $2, pattern_id, window_days, window_start + interval '1 minute', window_start, window_end, probability,
               expected_count, impact, model_version, features, features_hash from predictions where id = $1`, [uuidv7()]),
    ).rejects.toThrow(/check constraint/);
    await expect(
      asApp(`insert into predictions (workspace_id, id, pattern_id, window_days, issued_at, window_start, window_end, probability,
               expected_count, impact, model_version, features, features_hash)
             select workspace_id, $2, pattern_id, 7, issued_at, window_start + interval '1 hour', window_end, 1.5,
               expected_count, impact, model_version, features, features_hash from predictions where id = $1`, [uuidv7()]),
    ).rejects.toThrow(/check constraint/);
  });

  it('writes the outcome once and refuses a second write', async () => {
    await asApp(`update predictions set outcome = 'miss', outcome_at = now(), observed_count = 0 where id = $1`);
    await expect(asApp(`update predictions set outcome = 'hit', outcome_at = now(), observed_count = 1 where id = $1`)).rejects.toThrow(
      /already written/,
    );
    await expect(asApp(`update predictions set outcome_at = now() where id = $1`)).rejects.toThrow(/already written/);
  });

  it('refuses DELETE and TRUNCATE', async () => {
    await expect(asApp('delete from predictions where id = $1')).rejects.toThrow(/append-only/);
    await expect(withTenant(pool, workspaceId, (client) => client.query('truncate predictions'))).rejects.toThrow();
    expect(await ledger(workspaceId)).not.toHaveLength(0);
  });

  it('shows another workspace nothing of it', async () => {
    const other = await seedWorkspace(pool, 'predictions-other');
    expect(await ledger(other)).toEqual([]);
    const seen = await withTenant(pool, other, (client) => client.query('select 1 from predictions where id = $1', [predictionId]));
    expect(seen.rows).toEqual([]);
  });
});

describe('the API, through the gateway', () => {
  let stack: InsightsStack;
  let a: Tenant;
  let b: Tenant;
  const rows: { probability: number; outcome: string | null }[] = [];

  /** Seeds `count` predictions of one new pattern straight into the ledger (as the superuser). */
  async function seedLedger(tenant: Tenant, outcomes: readonly (string | null)[], windowDays = 7): Promise<string> {
    const patternId = uuidv7();
    const at = Date.UTC(2024, 0, 1);
    await stack.asAdmin(
      `insert into patterns (workspace_id, id, template, status, first_seen, last_seen) values ($1, $2, 'Timeout <*>', 'active', $3, $3)`,
      [tenant.workspaceId, patternId, new Date(at)],
    );
    for (const [index, outcome] of outcomes.entries()) {
      const probability = ((index * 37) % 100) / 100;
      const start = at + index * windowDays * day;
      await stack.asAdmin(
        `insert into predictions (workspace_id, id, pattern_id, window_days, issued_at, window_start, window_end, probability,
           expected_count, impact, model_version, features, features_hash, outcome, outcome_at, observed_count)
         values ($1, $2, $3, $4, $5, $5, $6, $7, $7, $7, 'poisson-gamma-recency/1', '{}', repeat('a', 64), $8, $9, $10)`,
        [tenant.workspaceId, uuidv7(), patternId, windowDays, new Date(start), new Date(start + windowDays * day), probability, outcome,
          outcome === null ? null : new Date(start + windowDays * day + hour), outcome === null || outcome === 'void' ? null : outcome === 'hit' ? 1 : 0],
      );
      if (tenant === a) rows.push({ probability, outcome });
    }
    return patternId;
  }

  beforeAll(async () => {
    stack = await startInsightsStack();
    a = await stack.tenant('ledger-a');
    b = await stack.tenant('ledger-b');
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('withholds accuracy below 50 scored predictions, saying how many there are', async () => {
    await seedLedger(a, [...Array.from({ length: 40 }, (_, index) => (index % 3 === 0 ? 'hit' : 'miss')), 'void', null, null]);
    const accuracy = await stack.call<{ status: string; scored: number; minimum_scored: number; reason: string }>(a.owner, 'GET', '/v1/predictions/accuracy');
    expect(accuracy).toMatchObject({ status: 'withheld', scored: 40, minimum_scored: 50 });
    expect(accuracy.reason).toMatch(/40 scored predictions/);
  });

  it('computes accuracy from the raw rows above 50', async () => {
    await seedLedger(a, Array.from({ length: 30 }, (_, index) => (index % 2 === 0 ? 'hit' : 'miss')));
    const accuracy = await stack.call<Record<string, unknown> & { reliability: { count: number }[] }>(a.owner, 'GET', '/v1/predictions/accuracy');
    const expected = scorePredictions(rows as never);
    if (expected.status !== 'scored') throw new Error('expected a score');
    expect(accuracy).toMatchObject({ status: 'scored', scored: 70, hits: expected.hits, voided: 1 });
    expect(accuracy.brier_score).toBeCloseTo(expected.brierScore, 12);
    expect(accuracy.brier_skill_score).toBeCloseTo(expected.brierSkillScore!, 12);
    expect(accuracy.expected_calibration_error).toBeCloseTo(expected.expectedCalibrationError, 12);
    expect(accuracy.reliability.map((bin) => bin.count)).toEqual(expected.reliability.map((bin) => bin.count));
  });

  it('answers accuracy equal, to 1e-9, to a recomputation in SQL from the ledger rows', async () => {
    type Bin = { count: number; mean_forecast?: number; observed_frequency?: number };
    const accuracy = await stack.call<{ scored: number; hits: number; brier_score: number; climatology: number; brier_skill_score: number; expected_calibration_error: number; reliability: Bin[] }>(
      a.owner,
      'GET',
      '/v1/predictions/accuracy',
    );
    // Independent of scoring.ts: the formulas of docs/predictions.md over the raw rows.
    const [overall] = await stack.asAdmin<{ n: number; hits: number; bs: number; climatology: number }>(
      `select count(*)::int as n, count(*) filter (where outcome = 'hit')::int as hits,
              avg((probability - (outcome = 'hit')::int) ^ 2) as bs, avg((outcome = 'hit')::int) as climatology
         from predictions where workspace_id = $1 and outcome in ('hit', 'miss')`,
      [a.workspaceId],
    );
    const bins = await stack.asAdmin<{ bin: number; n: number; mean: number; observed: number }>(
      `select least(floor(probability * 10), 9)::int as bin, count(*)::int as n, avg(probability) as mean,
              avg((outcome = 'hit')::int) as observed
         from predictions where workspace_id = $1 and outcome in ('hit', 'miss') group by 1 order by 1`,
      [a.workspaceId],
    );
    const { n, hits, bs, climatology } = overall!;
    const ece = bins.reduce((sum, bin) => sum + (bin.n / n) * Math.abs(bin.observed - bin.mean), 0);
    const close = (actual: number, expected: number, what: string) =>
      expect(Math.abs(actual - expected), `${what}: ${actual} vs ${expected}`).toBeLessThanOrEqual(1e-9);
    expect(accuracy).toMatchObject({ scored: n, hits });
    close(accuracy.brier_score, bs, 'Brier score');
    close(accuracy.climatology, climatology, 'climatology');
    close(accuracy.brier_skill_score, 1 - bs / (climatology * (1 - climatology)), 'Brier skill score');
    close(accuracy.expected_calibration_error, ece, 'ECE');
    for (const bin of bins) {
      const answered = accuracy.reliability[bin.bin]!;
      expect(answered.count).toBe(bin.n);
      close(answered.mean_forecast!, bin.mean, `bin ${bin.bin} mean`);
      close(answered.observed_frequency!, bin.observed, `bin ${bin.bin} observed`);
    }
    expect(accuracy.reliability.reduce((sum, bin) => sum + bin.count, 0)).toBe(n);
  });

  it('lists, filters and pages the ledger, and sums up the open predictions', async () => {
    const patternOfB = await seedLedger(b, [null, null, 'hit'], 14);
    const seen: { id: string; probability: number; pattern_id: string }[] = [];
    let cursor: string | undefined;
    do {
      const page = await stack.call<{ data: typeof seen; page: { next_cursor?: string } }>(
        a.owner,
        'GET',
        `/v1/predictions?limit=20${cursor === undefined ? '' : `&cursor=${encodeURIComponent(cursor)}`}`,
      );
      seen.push(...page.data);
      cursor = page.page.next_cursor || undefined;
    } while (cursor !== undefined);
    expect(seen).toHaveLength(rows.length);
    expect(new Set(seen.map((row) => row.id)).size).toBe(rows.length);
    expect(seen.some((row) => row.pattern_id === patternOfB)).toBe(false);

    const likely = await stack.call<{ data: { probability: number }[] }>(a.owner, 'GET', '/v1/predictions?min_probability=0.9&limit=100');
    expect(likely.data.length).toBe(rows.filter((row) => row.probability >= 0.9).length);
    expect((await stack.call<{ data: unknown[] }>(a.owner, 'GET', '/v1/predictions?window_days=14')).data).toEqual([]);
    await stack.call(a.owner, 'GET', '/v1/predictions?window_days=9', undefined, 400);

    const summary = await stack.call<{ windows: { window_days: number; open?: number; top_patterns?: unknown[] }[] }>(a.owner, 'GET', '/v1/predictions/summary');
    expect(summary.windows.map((window) => window.window_days)).toEqual([7, 14, 30]);
    expect(summary.windows[0]).toMatchObject({ open: 2 });
    expect(summary.windows[0]!.top_patterns).toHaveLength(2);
    expect(summary.windows[1]!.open ?? 0).toBe(0);
    const ofB = await stack.call<{ windows: { open?: number }[] }>(b.owner, 'GET', '/v1/predictions/summary');
    expect(ofB.windows[1]).toMatchObject({ open: 2 });
  });
});
