import type { Pool } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool, withTenant } from '@causeloop/platform/db';
import { createLogger } from '@causeloop/platform/log';
import { runPredictor } from '../../src/jobs/predictor.js';
import { runLoopWatcher } from '../../src/loop/loop-watcher.js';
import { PgLoopStore } from '../../src/stores/loop-store.js';
import { PgOutboxStore } from '../../src/stores/outbox-store.js';
import { PgPatternStore } from '../../src/stores/pattern-store.js';
import { PgRecommendationStore } from '../../src/stores/recommendation-store.js';
import { startInsightsStack, type InsightsStack, type JobJson, type Tenant } from '../support/insights-stack.js';

// Closing the loop (issue 19, docs/loop.md), through the gateway and the real insights
// process (offline provider, its job worker analysing patterns that become active). The
// leader's scheduled work, the loop watcher and the predictor, runs here on a clock the test
// moves: the proof window of a fix implemented now ends 30 days (the default) later.

const hour = 3_600_000;
const day = 24 * hour;
const grace = hour;
const logger = createLogger({ level: 'silent', service: 'loop-test' } as never);

let stack: InsightsStack;
let tenant: Tenant;
let pool: Pool;

beforeAll(async () => {
  stack = await startInsightsStack();
  tenant = await stack.tenant('loop-works');
  pool = createPool({ connectionString: stack.core.database.appUrl, applicationName: 'loop-test', max: 4 });
}, 120_000);
afterAll(async () => {
  await pool?.end();
  await stack?.close();
});

const stores = { loops: new PgLoopStore(), outbox: new PgOutboxStore(), patterns: new PgPatternStore(), recommendations: new PgRecommendationStore() };
const watch = (at: number) => runLoopWatcher({ pool, logger, clock: () => new Date(at), ...stores });
const predict = (at: number) => runPredictor({ pool, logger, clock: () => new Date(at), graceMs: grace });

interface PatternJson {
  id: string;
  status: string;
}
interface RecommendationJson {
  id: string;
  status: string;
  outcome?: string;
  rank_score: number;
  provider: string;
  steps: { text: string; done?: boolean }[];
}
interface LoopJson {
  id: string;
  number: number;
  status: string;
  opened_by: string;
  prediction_id?: string;
}

/** Three records of one cause over three days: the pattern becomes active (3 issues on 2+ UTC days). */
async function recurringPattern(cause: string, service: string): Promise<string> {
  const records = [3, 2, 1].map((daysAgo) => ({
    source: 'sentry',
    external_id: `${cause}-${daysAgo}`,
    title: `${cause} failed after ${1000 + daysAgo * 7} ms on worker-${daysAgo}`,
    service,
    severity: 'p2',
    occurred_at: new Date(Date.now() - daysAgo * day).toISOString(),
  }));
  const answer = await stack.call<{ accepted: { pattern_id: string }[] }>(tenant.owner, 'POST', '/v1/ingest/batch', { records });
  const patternIds = new Set(answer.accepted.map((entry) => entry.pattern_id));
  expect(patternIds.size).toBe(1);
  return [...patternIds][0]!;
}

async function pattern(id: string): Promise<PatternJson> {
  return (await stack.call<{ pattern: PatternJson }>(tenant.owner, 'GET', `/v1/patterns/${id}`)).pattern;
}

async function loops(patternId: string): Promise<LoopJson[]> {
  return (await stack.call<{ data: LoopJson[] }>(tenant.owner, 'GET', `/v1/patterns/${patternId}/loops`)).data;
}

/** The pattern's recommendations, once the analysis job the activation queued has stored them. */
async function recommendationsOnceAnalysed(patternId: string): Promise<RecommendationJson[]> {
  for (let tries = 0; tries < 200; tries++) {
    const { data } = await stack.call<{ data: RecommendationJson[] }>(tenant.owner, 'GET', `/v1/recommendations?pattern_id=${patternId}`);
    if (data.length > 0) return data;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`no recommendations for ${patternId} after 20 s`);
}

async function outbox(): Promise<{ event_type: string; dedupe_key: string; payload: Record<string, unknown> }[]> {
  return withTenant(pool, tenant.workspaceId, async (client) =>
    (await client.query<{ event_type: string; dedupe_key: string; payload: Record<string, unknown> }>('select event_type, dedupe_key, payload from outbox order by id')).rows,
  );
}

async function proofPrediction(predictionId: string): Promise<{ kind: string; window_days: number; outcome: string | null }> {
  return withTenant(pool, tenant.workspaceId, async (client) =>
    (await client.query<{ kind: string; window_days: number; outcome: string | null }>('select kind, window_days, outcome from predictions where id = $1', [predictionId])).rows[0]!,
  );
}

describe('the loop', () => {
  const started = Date.now();
  let held: string;
  let fix: RecommendationJson;
  let proof: LoopJson;

  it('detects a recurring pattern, analyses it and proposes ranked fixes on its own', async () => {
    held = await recurringPattern('Ledger sync', 'ledger');
    expect((await pattern(held)).status).toBe('active');
    const recommendations = await recommendationsOnceAnalysed(held);
    expect(recommendations.every((entry) => entry.provider === 'offline' && entry.status === 'pending')).toBe(true);
    const ranks = recommendations.map((entry) => entry.rank_score);
    expect(ranks).toEqual([...ranks].sort((a, b) => b - a));
    const analysis = await stack.call<{ analysis: { status: string; provider: string; root_cause: string } }>(tenant.owner, 'GET', `/v1/patterns/${held}/analysis`);
    expect(analysis.analysis).toMatchObject({ status: 'ok', provider: 'offline' });
    expect(await loops(held)).toMatchObject([{ number: 1, status: 'open', opened_by: 'detected' }]);
    fix = recommendations[0]!;
  });

  it('raises a prediction for it', async () => {
    await predict(started);
    const raised = (await outbox()).filter((event) => event.event_type === 'prediction.raised' && event.payload['pattern_id'] === held);
    expect(raised.length).toBeGreaterThan(0);
    expect(raised.every((event) => (event.payload['probability'] as number) >= 0.5 && event.payload['window_days'] === 7)).toBe(true);
  });

  it('starts the proof window when a fix is implemented, with a proof-window prediction in the ledger', async () => {
    const answer = await stack.call<{ recommendation: RecommendationJson; loop: LoopJson }>(tenant.owner, 'PATCH', `/v1/recommendations/${fix.id}`, {
      status: 'implemented',
      steps_done: [0],
    });
    expect(answer.recommendation.status).toBe('implemented');
    expect(answer.recommendation.steps[0]!.done).toBe(true);
    expect(answer.loop).toMatchObject({ number: 1, status: 'proving' });
    proof = answer.loop;
    expect((await pattern(held)).status).toBe('mitigating');
    expect(await proofPrediction(proof.prediction_id!)).toEqual({ kind: 'proof_window', window_days: 30, outcome: null });
    // Implemented is final.
    const again = await stack.send(tenant.owner, 'PATCH', `/v1/recommendations/${fix.id}`, { status: 'pending' });
    expect(again.statusCode).toBe(400);
    expect(again.json()).toMatchObject({ code: 'invalid_transition' });
  });

  it('holds when the window passes without a recurrence: the pattern is resolved, the fix held, the forecast scored', async () => {
    expect(await watch(started + 29 * day)).toEqual({ held: 0, notHeld: 0 });
    expect((await pattern(held)).status).toBe('mitigating');
    expect(await watch(started + 31 * day)).toEqual({ held: 1, notHeld: 0 });
    expect(await watch(started + 31 * day)).toEqual({ held: 0, notHeld: 0 });
    expect((await pattern(held)).status).toBe('resolved');
    const recommendation = (await stack.call<{ recommendation: RecommendationJson }>(tenant.owner, 'GET', `/v1/recommendations/${fix.id}`)).recommendation;
    expect(recommendation.outcome).toBe('held');
    expect(await loops(held)).toMatchObject([{ number: 1, status: 'held' }]);
    await predict(started + 31 * day + 2 * grace);
    expect((await proofPrediction(proof.prediction_id!)).outcome).toBe('miss');
  });

  it('reopens as a new loop when the pattern comes back after it was resolved', async () => {
    await stack.call(tenant.owner, 'POST', '/v1/ingest/events', {
      record: { source: 'sentry', external_id: 'Ledger sync-again', title: 'Ledger sync failed after 1234 ms on worker-9', service: 'ledger', severity: 'p2' },
    });
    expect((await pattern(held)).status).toBe('active');
    expect(await loops(held)).toMatchObject([
      { number: 2, status: 'open', opened_by: 'reopened' },
      { number: 1, status: 'held' },
    ]);
  });

  it('does not hold when an issue of the pattern comes inside the proof window', async () => {
    const regressed = await recurringPattern('Invoice render', 'billing');
    const [recommendation] = await recommendationsOnceAnalysed(regressed);
    await stack.call(tenant.owner, 'PATCH', `/v1/recommendations/${recommendation!.id}`, { status: 'implemented' });
    expect((await pattern(regressed)).status).toBe('mitigating');
    await stack.call(tenant.owner, 'POST', '/v1/ingest/events', {
      record: { source: 'sentry', external_id: 'Invoice render-again', title: 'Invoice render failed after 1500 ms on worker-2', service: 'billing', severity: 'p2' },
    });
    expect((await pattern(regressed)).status).toBe('active');
    const after = (await stack.call<{ recommendation: RecommendationJson }>(tenant.owner, 'GET', `/v1/recommendations/${recommendation!.id}`)).recommendation;
    expect(after.outcome).toBe('not_held');
    expect(await loops(regressed)).toMatchObject([
      { number: 2, status: 'open', opened_by: 'regressed' },
      { number: 1, status: 'not_held' },
    ]);
    // Its window ending later changes nothing: the loop is closed.
    expect(await watch(started + 40 * day)).toEqual({ held: 0, notHeld: 0 });
  });

  it('wrote every outbox event once', async () => {
    await predict(started);
    await predict(started + 31 * day + 2 * grace);
    const events = await outbox();
    const keys = events.map((event) => event.dedupe_key);
    expect(new Set(keys).size).toBe(keys.length);
    const count = (type: string) => events.filter((event) => event.event_type === type).length;
    expect(count('pattern.detected')).toBe(2);
    expect(count('recommendation.held')).toBe(1);
    expect(count('recommendation.not_held')).toBe(1);
    expect(count('loop.reopened')).toBe(1);
    const raised = await withTenant(pool, tenant.workspaceId, async (client) =>
      (await client.query<{ n: number }>(`select count(*)::int as n from predictions where kind = 'forecast' and window_days = 7 and probability >= 0.5`)).rows[0]!.n,
    );
    expect(count('prediction.raised')).toBe(raised);
  });
});

describe('proposing fixes', () => {
  it('answers 404 for a pattern not in the workspace, and a job whose pattern is gone ends as failed', async () => {
    const unknown = await stack.send(tenant.owner, 'POST', '/v1/patterns/0190d6c2-7c5e-7000-8000-00000000000c/recommendations', {});
    expect(unknown.statusCode).toBe(404);
    const [row] = await stack.asAdmin<{ id: string }>(`insert into jobs (workspace_id, id, kind, payload) values ($1, uuidv7(), 'recommendations', $2) returning id`, [
      tenant.workspaceId,
      JSON.stringify({ pattern_id: '0190d6c2-7c5e-7000-8000-00000000000c', requested_by: { actorKind: 'user', traceId: '4bf92f3577b34da6a3ce929d0e0e4736' } }),
    ]);
    expect(await stack.jobEnded(tenant.owner, row!.id)).toMatchObject({ status: 'failed', last_error: 'the pattern no longer exists', attempts: 1 });
  });

  it('stores one set when two callers ask for the same pattern at once', async () => {
    // One record: an emerging pattern, so no analysis job proposes anything meanwhile.
    const answer = await stack.call<{ pattern_id: string }>(tenant.owner, 'POST', '/v1/ingest/events', {
      record: { source: 'sentry', external_id: 'race-1', title: 'Ledger export stalled at page 3', service: 'exports' },
    });
    const patternId = answer.pattern_id;
    const propose = async () => {
      const { job } = await stack.call<{ job: JobJson }>(tenant.owner, 'POST', `/v1/patterns/${patternId}/recommendations`, {}, 202);
      return stack.jobEnded(tenant.owner, job.id);
    };
    // Three jobs, worked at once by the job worker (10 slots): they race for the pattern.
    const jobs = await Promise.all([propose(), propose(), propose()]);
    for (const job of jobs) expect(job.status).toBe('succeeded');
    const ids = jobs.map((job) => [...(job.result!['recommendation_ids'] as string[])].sort());
    expect(ids[0]!.length).toBeGreaterThan(0);
    expect(ids[1]).toEqual(ids[0]);
    expect(ids[2]).toEqual(ids[0]);
    const { data } = await stack.call<{ data: RecommendationJson[] }>(tenant.owner, 'GET', `/v1/recommendations?pattern_id=${patternId}`);
    expect(data.map((recommendation) => recommendation.id).sort()).toEqual(ids[0]);
  });
});
