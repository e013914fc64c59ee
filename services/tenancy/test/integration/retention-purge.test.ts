import type { Pool } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withClient, withTenant } from '@causeloop/platform/db';
import { createLogger } from '@causeloop/platform/log';
import { createTestDatabase, seedWorkspace, type TestDatabase } from '@causeloop/platform/testing';
import { createLeaderElector, leaderOnly } from '@causeloop/platform/leader';
import { runRetentionPurge } from '../../src/jobs/retention-purge.js';

let database: TestDatabase;
let pool: Pool;
const logger = createLogger({ service: 'tenancy-test', level: 'silent' });

beforeAll(async () => {
  database = await createTestDatabase();
  pool = database.pool({ applicationName: 'retention-test', max: 4 });
});
afterAll(async () => {
  await database?.drop();
});

const admin = <R>(sql: string, values: unknown[] = []) =>
  withClient(database.adminUrl, async (client) => (await client.query(sql, values)).rows as R[]);

/** Audit entries of the given ages (days), written as the superuser: the app role cannot backdate. */
async function entriesAged(workspaceId: string, days: readonly number[]): Promise<void> {
  for (const age of days) {
    await admin(
      `insert into audit_log (id, workspace_id, action, action_category, created_at)
       values (gen_random_uuid(), $1, 'test.aged', 'test', now() - make_interval(days => $2))`,
      [workspaceId, age],
    );
  }
}

const agesOf = async (workspaceId: string) =>
  (
    await admin<{ age: number }>(
      `select extract(day from now() - created_at)::int as age from audit_log where workspace_id = $1 and action = 'test.aged' order by 1`,
      [workspaceId],
    )
  ).map((row) => row.age);

describe('retention purge', () => {
  it('removes audit entries past each workspace’s own retention, at least 365 days, and records the purge', async () => {
    const short = await seedWorkspace(pool, 'Default retention');
    const long = await seedWorkspace(pool, 'Longer retention');
    await withTenant(pool, long, (client) => client.query('update workspaces set retention_audit_days = 500'));
    await entriesAged(short, [10, 364, 366, 900]);
    await entriesAged(long, [10, 366, 499, 501]);

    const report = await runRetentionPurge({ pool, logger });
    expect(report).toMatchObject({ auditEntriesRemoved: 3 });
    expect(await agesOf(short)).toEqual([10, 364]);
    expect(await agesOf(long)).toEqual([10, 366, 499]);
    const purged = await admin(`select 1 from audit_log where workspace_id = $1 and action = 'audit_log.purged'`, [short]);
    expect(purged).toHaveLength(1);
  });

  it('removes finished exports past their download window with their parts, in their own workspace only', async () => {
    const purged = await seedWorkspace(pool, 'Old exports');
    const other = await seedWorkspace(pool, 'Fresh exports');
    // As the superuser: the app role cannot backdate expiry.
    const job = async (workspaceId: string, status: string, expiresInDays: number, parts: number) => {
      const [row] = await admin<{ id: string }>(
        `insert into export_jobs (workspace_id, id, status, requested_by, parts, expires_at)
         values ($1, gen_random_uuid(), $2, gen_random_uuid(), $3, now() + make_interval(days => $4)) returning id`,
        [workspaceId, status, parts, expiresInDays],
      );
      for (let part = 0; part < parts; part += 1) {
        await admin(`insert into export_job_parts (workspace_id, job_id, part, row_count, content) values ($1, $2, $3, 1, '{}')`, [
          workspaceId,
          row!.id,
          part,
        ]);
      }
      return row!.id;
    };
    const expired = await job(purged, 'succeeded', -1, 2);
    const expiredFailed = await job(purged, 'failed', -1, 0);
    const stillRunning = await job(purged, 'running', -1, 1); // its worker still holds it
    const downloadable = await job(purged, 'succeeded', 6, 1);
    const othersDownloadable = await job(other, 'succeeded', 3, 1);

    // The app role outside a tenant reaches no export at all (RLS), so nothing goes but through the purge.
    expect((await pool.query('delete from export_jobs')).rowCount).toBe(0);

    const report = await runRetentionPurge({ pool, logger });
    expect(report).toMatchObject({ exportJobsRemoved: 2 });
    const jobs = await admin<{ id: string }>('select id from export_jobs where workspace_id = any($1) order by id', [[purged, other]]);
    expect(jobs.map((row) => row.id).sort()).toEqual([stillRunning, downloadable, othersDownloadable].sort());
    const parts = await admin<{ job_id: string }>('select job_id from export_job_parts where job_id = any($1)', [[expired, expiredFailed]]);
    expect(parts).toEqual([]);
    const entries = await admin<{ actor_kind: string; after: { jobs_removed: number } }>(
      `select actor_kind, after from audit_log where workspace_id = $1 and action = 'export.purged'`,
      [purged],
    );
    expect(entries).toEqual([{ actor_kind: 'system', after: { jobs_removed: 2 } }]);
    expect(await admin(`select 1 from audit_log where workspace_id = $1 and action = 'export.purged'`, [other])).toEqual([]);
  });

  it('runs on the leader only when guarded by the election, as main.ts schedules it', async () => {
    const workspaceId = await seedWorkspace(pool, 'Leader only');
    await entriesAged(workspaceId, [800]);
    const elect = (identity: string) =>
      createLeaderElector({ name: 'retention-test', identity, leaseDurationMs: 10_000, renewIntervalMs: 1_000, backend: { kind: 'postgres', pool }, logger });
    const [one, other] = [await elect('one'), await elect('other')];
    try {
      await expect.poll(() => [one.isLeader(), other.isLeader()].filter(Boolean).length).toBe(1);
      const [leader, follower] = one.isLeader() ? [one, other] : [other, one];
      expect(await leaderOnly(follower, (signal) => runRetentionPurge({ pool, logger, signal }))()).toEqual({ leader: false });
      expect(await agesOf(workspaceId)).toEqual([800]);
      expect(await leaderOnly(leader, (signal) => runRetentionPurge({ pool, logger, signal }))()).toMatchObject({ leader: true, auditEntriesRemoved: 1 });
      expect(await agesOf(workspaceId)).toEqual([]);
    } finally {
      await Promise.all([one.stop(), other.stop()]);
    }
  });

  it('needs no lock of its own: two runs at once (leaders overlapping) remove each entry once and record it once', async () => {
    const workspaceId = await seedWorkspace(pool, 'Overlap');
    await entriesAged(workspaceId, [800, 900, 1000]);
    const reports = await Promise.all([runRetentionPurge({ pool, logger }), runRetentionPurge({ pool, logger })]);
    expect(await agesOf(workspaceId)).toEqual([]);
    expect(reports.reduce((sum, report) => sum + report.auditEntriesRemoved, 0)).toBeGreaterThanOrEqual(3);
    const recorded = await admin<{ after: { entries_removed: number } }>(
      `select after from audit_log where workspace_id = $1 and action = 'audit_log.purged'`,
      [workspaceId],
    );
    expect(recorded.reduce((sum, row) => sum + row.after.entries_removed, 0)).toBe(3);
  });

  it('stops between workspaces once its signal aborts (leadership lost, shutdown)', async () => {
    const workspaceId = await seedWorkspace(pool, 'Aborted');
    await entriesAged(workspaceId, [800]);
    const report = await runRetentionPurge({ pool, logger, signal: AbortSignal.abort() });
    expect(report).toMatchObject({ workspaces: 0, auditEntriesRemoved: 0, exportJobsRemoved: 0 });
    expect(await agesOf(workspaceId)).toEqual([800]);
  });

  it('gives the app role no way to purge with a cut-off of its choosing or outside a tenant', async () => {
    const workspaceId = await seedWorkspace(pool, 'Attacker');
    await entriesAged(workspaceId, [1]);
    await expect(
      withTenant(pool, workspaceId, (client) => client.query(`select audit_log_purge($1, now())`, [workspaceId])),
    ).rejects.toMatchObject({ code: '42501' });
    await expect(pool.query('select tenancy_purge_audit_log()')).rejects.toMatchObject({ code: '42501' });
    await expect(
      withTenant(pool, workspaceId, (client) => client.query('update workspaces set retention_audit_days = 1')),
    ).rejects.toMatchObject({ code: '23514' });
    await expect(withTenant(pool, workspaceId, (client) => client.query('delete from audit_log'))).rejects.toMatchObject({
      code: '42501',
    });
    expect(await agesOf(workspaceId)).toEqual([1]);
  });
});
