// job_queue_claim and the jobs table seen from the app role (DESIGN §4, issue 19): no job
// without the tenant setting, claims that never hand one job to two workers, a per-workspace
// running cap, lapsed leases reclaimed, and jobs dead after their last attempt.
import type { Pool } from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { withClient } from '../../src/db/with-client.js';
import { withTenant } from '../../src/db/with-tenant.js';
import { enqueueJob } from '../../src/job-queue/index.js';
import { createTestDatabase, seedWorkspace, type TestDatabase } from '../../src/testing/index.js';

let database: TestDatabase;
let pool: Pool;
let workspaceA: string;
let workspaceB: string;

interface Claimed {
  readonly workspace_id: string;
  readonly job_id: string;
  readonly kind: string;
  readonly attempt: number;
  readonly status: string;
}

const claim = async (worker: string, options: { batch?: number; cap?: number | null; kinds?: string[]; leaseMs?: number } = {}) =>
  (
    await pool.query<Claimed>(
      `select workspace_id, job_id, kind, attempt, status from job_queue_claim($1, $2::text[], $3 * interval '1 millisecond', $4, $5)`,
      [worker, options.kinds ?? ['probe'], options.leaseMs ?? 60_000, options.batch ?? 10, options.cap === undefined ? null : options.cap],
    )
  ).rows;

const enqueue = (workspaceId: string, count: number, extra: { kind?: string; maxAttempts?: number } = {}) =>
  withTenant(pool, workspaceId, async (client) => {
    const ids: string[] = [];
    for (let index = 0; index < count; index += 1) {
      ids.push((await enqueueJob(client, { workspaceId, kind: extra.kind ?? 'probe', payload: { index }, ...extra })).id);
    }
    return ids;
  });

/** Ends every lease now, as if every worker had died. */
const lapseLeases = () =>
  withClient(database.adminUrl, (client) =>
    client.query(`update jobs set lease_expires_at = now() - interval '1 second', run_after = now() - interval '1 second' where status = 'running'`),
  );

beforeAll(async () => {
  database = await createTestDatabase();
  pool = database.pool({ applicationName: 'job-claim-test', max: 4 });
  workspaceA = await seedWorkspace(pool, 'Workspace A');
  workspaceB = await seedWorkspace(pool, 'Workspace B');
});
afterEach(async () => {
  await withClient(database.adminUrl, (client) => client.query('delete from jobs'));
});
afterAll(async () => {
  await database?.drop();
});

describe('the jobs table as the app role', () => {
  it('shows no job without the tenant setting, and only its own with it', async () => {
    await enqueue(workspaceA, 2);
    await enqueue(workspaceB, 3);
    await withClient(database.appUrl, async (client) => {
      expect((await client.query('select * from jobs')).rowCount).toBe(0);
      await client.query(`select set_config('app.current_workspace', '', false)`);
      expect((await client.query('select * from jobs')).rowCount).toBe(0);
    });
    // The claim's owner-side reading leaves the caller's setting as it was.
    await claim('probe-worker', { batch: 1 });
    expect(await withTenant(pool, workspaceA, async (client) => (await client.query('select * from jobs')).rowCount)).toBe(2);
    expect(await withTenant(pool, workspaceB, async (client) => (await client.query('select * from jobs')).rowCount)).toBe(3);
  });

  it('cannot queue a job for another workspace', async () => {
    await expect(withTenant(pool, workspaceA, (client) => enqueueJob(client, { workspaceId: workspaceB, kind: 'probe' }))).rejects.toThrow(
      /row-level security/,
    );
  });
});

describe('job_queue_claim', () => {
  it('never hands one job to two claimers, and claims only the kinds asked for', async () => {
    await enqueue(workspaceA, 30);
    await enqueue(workspaceB, 30);
    await enqueue(workspaceA, 5, { kind: 'other' });
    const rounds = await Promise.all(Array.from({ length: 8 }, (_, index) => claim(`worker-${index}`, { batch: 10 })));
    const ids = rounds.flat().map((row) => row.job_id);
    expect(new Set(ids).size).toBe(ids.length);
    const more = await claim('late', { batch: 100 });
    expect(ids.length + more.length).toBe(60);
    expect([...rounds.flat(), ...more].every((row) => row.kind === 'probe' && row.attempt === 1 && row.status === 'running')).toBe(true);
  });

  it('serves the workspace whose oldest job waited longest first', async () => {
    await enqueue(workspaceB, 2);
    await enqueue(workspaceA, 2);
    expect((await claim('w', { batch: 1 }))[0]!.workspace_id).toBe(workspaceB);
  });

  it('keeps at most the cap running per workspace, whoever claims', async () => {
    await enqueue(workspaceA, 10);
    expect(await claim('first', { cap: 3 })).toHaveLength(3);
    expect(await claim('second', { cap: 3 })).toHaveLength(0);
    await enqueue(workspaceB, 10);
    expect((await claim('second', { cap: 3 })).map((row) => row.workspace_id)).toEqual([workspaceB, workspaceB, workspaceB]);
  });

  it('reclaims a job whose lease lapsed, as a new attempt', async () => {
    const [id] = await enqueue(workspaceA, 1);
    expect(await claim('died')).toMatchObject([{ job_id: id, attempt: 1 }]);
    expect(await claim('other')).toEqual([]);
    await lapseLeases();
    expect(await claim('other')).toMatchObject([{ job_id: id, attempt: 2, status: 'running' }]);
  });

  it('makes a job dead when its lease lapses after the last attempt', async () => {
    const [id] = await enqueue(workspaceA, 1, { maxAttempts: 2 });
    await claim('first');
    await lapseLeases();
    await claim('second');
    await lapseLeases();
    expect(await claim('third')).toMatchObject([{ job_id: id, attempt: 2, status: 'dead' }]);
    const row = await withTenant(pool, workspaceA, async (client) => (await client.query('select status, last_error, finished_at from jobs where id = $1', [id])).rows[0]);
    expect(row).toMatchObject({ status: 'dead', last_error: 'gave up after 2 attempts' });
    expect(await claim('fourth')).toEqual([]);
  });

  it('counts unfinished jobs by kind and state for the depth gauge, ids never leaving', async () => {
    await enqueue(workspaceA, 4);
    await enqueue(workspaceB, 2);
    await claim('w', { batch: 3 });
    const depth = await pool.query(`select * from job_queue_depth(array['probe']) order by state`);
    expect(depth.rows).toEqual([
      { kind: 'probe', state: 'ready', jobs: '3' },
      { kind: 'probe', state: 'running', jobs: '3' },
    ]);
  });
});
