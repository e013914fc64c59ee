// Exactly once across real processes (issue 19): two worker processes drain one queue, each
// job's effect committed with its completion; a worker killed with SIGKILL mid-run loses
// only uncommitted attempts, which the other redoes once their leases lapse.
import type { Pool } from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { withClient } from '../../src/db/with-client.js';
import { createTestDatabase, type TestDatabase } from '../../src/testing/index.js';
import { effectsTable, eventually, seedJobs, startWorkerProcess, type WorkerProcess } from './job-queue-fixtures.js';

let database: TestDatabase;
let pool: Pool;
const running: WorkerProcess[] = [];

const asAdmin = <R>(sql: string) => withClient(database.adminUrl, async (client) => (await client.query(sql)).rows as R[]);

interface Tally {
  readonly effects: number;
  readonly distinct_jobs: number;
  readonly succeeded: number;
  readonly unfinished: number;
  readonly redone: number;
  readonly workers: number;
}

/** Effects and job states, read as the superuser (every workspace at once). */
async function tally(): Promise<Tally> {
  const [row] = await asAdmin<Record<keyof Tally, string>>(
    `select (select count(*) from job_effects) as effects,
            (select count(distinct job_id) from job_effects) as distinct_jobs,
            (select count(*) from jobs where status = 'succeeded') as succeeded,
            (select count(*) from jobs where status in ('queued', 'running')) as unfinished,
            (select count(*) from jobs where attempts > 1) as redone,
            (select count(distinct worker) from job_effects) as workers`,
  );
  return Object.fromEntries(Object.entries(row!).map(([name, value]) => [name, Number(value)])) as unknown as Tally;
}

beforeAll(async () => {
  database = await createTestDatabase();
  pool = database.pool({ applicationName: 'exactly-once-test', max: 4 });
  await withClient(database.ownerUrl, (client) => client.query(effectsTable));
});
afterEach(async () => {
  for (const worker of running.splice(0)) worker.child.kill('SIGKILL');
  await asAdmin('truncate job_effects; delete from jobs');
});
afterAll(async () => {
  await database?.drop();
});

describe('two worker processes on one queue', () => {
  it('drain 20,000 jobs over 100 workspaces with each effect exactly once', { timeout: 120_000 }, async () => {
    await seedJobs(pool, { workspaces: 100, perWorkspace: 200, kind: 'record_effect' });
    running.push(await startWorkerProcess(database.appUrl), await startWorkerProcess(database.appUrl));
    await eventually(async () => (await tally()).unfinished === 0);
    expect(await tally()).toMatchObject({ effects: 20_000, distinct_jobs: 20_000, succeeded: 20_000, unfinished: 0, workers: 2 });
    for (const worker of running.splice(0)) {
      worker.child.kill('SIGTERM');
      expect(await worker.exited).toBe(0);
    }
  });

  it('still give each effect exactly once when one is killed with SIGKILL mid-run', { timeout: 120_000 }, async () => {
    await seedJobs(pool, { workspaces: 20, perWorkspace: 100, kind: 'record_effect' });
    // Slow handlers and short leases: the killed worker holds jobs whose leases must lapse.
    const env = { HANDLER_DELAY_MS: '20', LEASE_MS: '1000' };
    const victim = await startWorkerProcess(database.appUrl, env);
    running.push(victim);
    await eventually(async () => (await tally()).effects >= 200);
    const survivor = await startWorkerProcess(database.appUrl, env);
    running.push(survivor);
    victim.child.kill('SIGKILL');
    await victim.exited;
    await eventually(async () => (await tally()).unfinished === 0);
    const after = await tally();
    expect(after).toMatchObject({ effects: 2_000, distinct_jobs: 2_000, succeeded: 2_000, unfinished: 0, workers: 2 });
    // The victim died holding leases: those jobs ran again, their first attempt left nothing.
    expect(after.redone).toBeGreaterThan(0);
  });
});
