// Exactly once on the real service (issue 19): two insights processes, started from
// services/insights/dist/main.js as pods run them, drain one queue of real pattern_analysis
// jobs (the offline provider answering), each job's analysis and recommendations committed
// with its completion; one killed with SIGKILL mid-run loses only uncommitted attempts, which
// the other redoes once their leases lapse. The 20,000-job, 100-workspace count of the
// acceptance is carried by packages/platform/test/job-queue/exactly-once.test.ts (fixture
// workers, a trivial effect); this file proves the same property on the real service binary
// and its real handler, on fewer jobs: each one reads the pattern, asks the provider twice and
// writes an analysis, prompt logs, recommendations and audit entries.
import type { Pool } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withClient, withTenant } from '@causeloop/platform/db';
import { seedWorkspace, startCoreProcesses, type CoreProcesses, type ServiceProcess } from '@causeloop/platform/testing';
import { patternAnalysisJob } from '../../src/loop/pattern-analysis-job.js';
import { PgPatternStore } from '../../src/stores/pattern-store.js';

const day = 86_400_000;

let core: CoreProcesses;
let pool: Pool;

beforeAll(async () => {
  // Crypto and auth as processes on a fresh migrated database: what an insights process
  // needs to start (AUTH_GRPC_ADDR, the assertion public key). No tenancy or gateway: the
  // jobs are queued here, as pattern-transitions.ts queues them in an ingest's transaction.
  core = await startCoreProcesses();
  pool = core.database.pool({ applicationName: 'job-queue-processes-test', max: 4 });
});
afterAll(async () => {
  await core?.close();
});

/**
 * An insights process as deployed, over `core`. The offline provider is named rather than
 * left to the absence of keys (the harness passes no variable through but PATH anyway), so
 * the handler's answers are deterministic and need no network.
 */
const startInsights = (env: Readonly<Record<string, string>> = {}): Promise<ServiceProcess> =>
  core.startInsights({ env: { LLM_PROVIDER: 'offline', ...env } });

const patternStore = new PgPatternStore();

/**
 * `workspaces` workspaces, each with `perWorkspace` active patterns of three issues (and the
 * route ingest would have made, so the handler's similar-issue lookup has templates to
 * match), and one pattern_analysis job per pattern, queued as the app role like
 * pattern-transitions.ts does. Returns the workspace ids.
 */
async function seedPatternJobs(options: { workspaces: number; perWorkspace: number; label: string }): Promise<string[]> {
  const workspaces: string[] = [];
  for (let index = 0; index < options.workspaces; index += 1) {
    const workspaceId = await seedWorkspace(pool, `${options.label} ${index}`);
    await withTenant(pool, workspaceId, async (client) => {
      const patterns = await client.query<{ id: string; template: string }>(
        `insert into patterns (workspace_id, id, template, service, status, severity, first_seen, last_seen)
         select $1, uuidv7(), 'Settlement batch ' || n || ' failed after <*> ms on <*>', 'ledger', 'active', 1 + n % 4, now(), now()
           from generate_series(1, $2) n
         returning id, template`,
        [workspaceId, options.perWorkspace],
      );
      const ids = patterns.rows.map((row) => row.id);
      const templates = patterns.rows.map((row) => row.template);
      await client.query(
        `insert into pattern_routes (workspace_id, fingerprint, pattern_id, template, service)
         select $1, md5(p.id::text), p.id, p.template, 'ledger' from unnest($2::uuid[], $3::text[]) as p(id, template)`,
        [workspaceId, ids, templates],
      );
      await client.query(
        `insert into issues (workspace_id, id, source, external_id, title, service, fingerprint, template, pattern_id, occurred_at)
         select $1, uuidv7(), 'sentry', p.id || '-' || d, replace(p.template, '<*>', (1000 + d)::text), 'ledger', md5(p.id::text), p.template, p.id,
                now() - d * $4 * interval '1 millisecond'
           from unnest($2::uuid[], $3::text[]) as p(id, template) cross join generate_series(1, 3) d`,
        [workspaceId, ids, templates, day],
      );
      await patternStore.recount(client, { ids });
      await client.query(
        `insert into jobs (workspace_id, id, kind, payload) select $1, uuidv7(), $2, jsonb_build_object('pattern_id', id) from unnest($3::uuid[]) id`,
        [workspaceId, patternAnalysisJob, ids],
      );
    });
    workspaces.push(workspaceId);
  }
  return workspaces;
}

interface Tally {
  readonly jobs: number;
  readonly succeeded: number;
  readonly unfinished: number;
  /** Failed or dead: the handler gave up, or attempts ran out. */
  readonly given_up: number;
  readonly redone: number;
  readonly patterns: number;
  readonly analyses: number;
  readonly analysed_patterns: number;
  /** Patterns with other than exactly one analysis. */
  readonly not_once: number;
  readonly analysis_prompt_logs: number;
  /** Analysis prompt logs pointing at an analysis: those of the attempts that committed. */
  readonly linked_analysis_prompt_logs: number;
  readonly recommendation_prompt_logs: number;
  readonly analysed_audits: number;
  readonly proposed_audits: number;
  /** Distinct (pattern, transaction time) of recommendations: one per set written. */
  readonly recommendation_sets: number;
  readonly recommended_patterns: number;
  /** Recommendations no `recommendation.proposed` entry lists: written outside a counted proposal. */
  readonly unlisted_recommendations: number;
}

/** Jobs and the handler's writes in `workspaces`, read as the superuser (every workspace at once). */
async function tally(workspaces: readonly string[]): Promise<Tally> {
  const [row] = await withClient(core.database.adminUrl, async (client) =>
    (
      await client.query<Record<keyof Tally, string>>(
        `select (select count(*) from jobs where workspace_id = any($1)) as jobs,
                (select count(*) from jobs where workspace_id = any($1) and status = 'succeeded') as succeeded,
                (select count(*) from jobs where workspace_id = any($1) and status in ('queued', 'running')) as unfinished,
                (select count(*) from jobs where workspace_id = any($1) and status in ('failed', 'dead')) as given_up,
                (select count(*) from jobs where workspace_id = any($1) and attempts > 1) as redone,
                (select count(*) from patterns where workspace_id = any($1)) as patterns,
                (select count(*) from analyses where workspace_id = any($1)) as analyses,
                (select count(distinct pattern_id) from analyses where workspace_id = any($1)) as analysed_patterns,
                (select count(*) from patterns p where p.workspace_id = any($1)
                    and (select count(*) from analyses a where a.workspace_id = p.workspace_id and a.pattern_id = p.id) <> 1) as not_once,
                (select count(*) from llm_prompt_logs where workspace_id = any($1) and purpose = 'analysis') as analysis_prompt_logs,
                (select count(*) from llm_prompt_logs where workspace_id = any($1) and purpose = 'analysis' and analysis_id is not null) as linked_analysis_prompt_logs,
                (select count(*) from llm_prompt_logs where workspace_id = any($1) and purpose = 'recommendations') as recommendation_prompt_logs,
                (select count(*) from audit_log where workspace_id = any($1) and action = 'pattern.analyzed') as analysed_audits,
                (select count(*) from audit_log where workspace_id = any($1) and action = 'recommendation.proposed') as proposed_audits,
                (select count(distinct (workspace_id, pattern_id, created_at)) from recommendations where workspace_id = any($1)) as recommendation_sets,
                (select count(distinct pattern_id) from recommendations where workspace_id = any($1)) as recommended_patterns,
                (select count(*) from recommendations r where r.workspace_id = any($1) and not exists (
                   select 1 from audit_log a where a.workspace_id = r.workspace_id and a.action = 'recommendation.proposed'
                      and a.after -> 'recommendations' ? r.id::text)) as unlisted_recommendations`,
        [workspaces],
      )
    ).rows,
  );
  return Object.fromEntries(Object.entries(row!).map(([name, value]) => [name, Number(value)])) as unknown as Tally;
}

/** The tally every drained queue of `count` jobs must show: each job's effect once, and nothing else. */
const exactlyOnce = (count: number) => ({
  jobs: count,
  succeeded: count,
  unfinished: 0,
  given_up: 0,
  patterns: count,
  analyses: count,
  analysed_patterns: count,
  not_once: 0,
  analysis_prompt_logs: count,
  linked_analysis_prompt_logs: count,
  analysed_audits: count,
  proposed_audits: count,
  recommendation_sets: count,
  recommended_patterns: count,
  unlisted_recommendations: 0,
});

/** pattern_analysis attempts that ended `outcome` in this process, from its own /metrics. */
async function completedJobs(service: ServiceProcess, outcome: string): Promise<number> {
  const text = await (await fetch(`${service.opsUrl}/metrics`)).text();
  let total = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith('causeloop_jobs_completed_total{') && line.includes(`kind="${patternAnalysisJob}"`) && line.includes(`outcome="${outcome}"`)) {
      total += Number(line.slice(line.lastIndexOf(' ') + 1));
    }
  }
  return total;
}

/** Resolves once `check` is true, looking every 100 ms; rejects after `timeoutMs`, naming `what`. */
async function eventually(what: string, check: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`not ${what} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('two insights processes on one queue', () => {
  it('drain pattern_analysis jobs over many workspaces with each analysis exactly once', { timeout: 120_000 }, async () => {
    // 800 jobs: about 13 s for the two processes on a 2-core machine (about 60 jobs/s
    // together, 40 for one alone, the offline provider answering), the file under 40 s.
    const count = 100 * 8;
    const workspaces = await seedPatternJobs({ workspaces: 100, perWorkspace: 8, label: 'Drain' });
    const [first, second] = await Promise.all([startInsights(), startInsights()]);
    await eventually('drained', async () => (await tally(workspaces)).unfinished === 0);
    expect(await tally(workspaces)).toMatchObject({ ...exactlyOnce(count), redone: 0, recommendation_prompt_logs: count });
    // jobs.leased_by is cleared on success, so each process's own counter says who did what:
    // both took part, and between them they completed every job once.
    const done = [await completedJobs(first!, 'succeeded'), await completedJobs(second!, 'succeeded')];
    expect(done.every((jobs) => jobs > 0)).toBe(true);
    expect(done[0]! + done[1]!).toBe(count);
    for (const service of [first!, second!]) expect(await service.stop()).toBe(0);
  });

  it('still give each analysis exactly once when one is killed with SIGKILL mid-run', { timeout: 120_000 }, async () => {
    const count = 40 * 10;
    const workspaces = await seedPatternJobs({ workspaces: 40, perWorkspace: 10, label: 'Kill' });
    // The victim holds its jobs for the shortest lease the config allows (JOB_LEASE_MS, 1 s),
    // so they are free again soon after it dies; the survivor keeps the default lease (no
    // attempt of its own is redone) and looks for work often, to take them up once free.
    const victim = await startInsights({ JOB_LEASE_MS: '1000' });
    await eventually('partly drained', async () => (await tally(workspaces)).succeeded >= count / 10);
    const survivor = await startInsights({ JOB_POLL_INTERVAL_MS: '100' });
    // The victim drains about 40 jobs/s while the survivor starts (about 2 s): roughly half
    // the queue is left when it dies. Were it empty, there would be nothing to prove.
    expect((await tally(workspaces)).unfinished).toBeGreaterThan(0);
    // Read before the kill: the victim's counter dies with it.
    expect(await completedJobs(victim, 'succeeded')).toBeGreaterThan(0);
    victim.child.kill('SIGKILL');
    await victim.exited;
    await eventually('drained', async () => (await tally(workspaces)).unfinished === 0);
    const after = await tally(workspaces);
    const { analysis_prompt_logs: _analysisLogs, ...onceEach } = exactlyOnce(count);
    expect(after).toMatchObject(onceEach);
    expect(await completedJobs(survivor, 'succeeded')).toBeGreaterThan(0);
    // The victim died holding jobs (with work queued it claims more whenever half its 10 slots
    // are free): they ran again on the survivor once their leases lapsed, their first attempt
    // leaving nothing of the analysis, its audit entries or the recommendations.
    expect(after.redone).toBeGreaterThan(0);
    // Prompt logs are written in their own transaction when the provider answers, before the
    // job commits (every prompt sent is logged): an attempt killed after that leaves one more
    // row, never fewer; the analysis logs of the attempt that committed point at its analysis.
    expect(after.recommendation_prompt_logs).toBeGreaterThanOrEqual(count);
    expect(after.analysis_prompt_logs).toBeGreaterThanOrEqual(count);
    expect(after.linked_analysis_prompt_logs).toBe(count);
    expect(await survivor.stop()).toBe(0);
  });
});
