import type { Pool } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withClient, withTenant } from '@causeloop/platform/db';
import { createLogger } from '@causeloop/platform/log';
import { createTestDatabase, seedWorkspace, type TestDatabase } from '@causeloop/platform/testing';
import { runRetentionPurge } from '../../src/jobs/retention-purge.js';

// Insights' LLM prompt logs (migration 0018) are kept for the workspace's
// retention_prompt_logs_days, 0 keeping them, and the retention purge removes the rest.

let database: TestDatabase;
let pool: Pool;
const logger = createLogger({ service: 'tenancy-test', level: 'silent' });

beforeAll(async () => {
  database = await createTestDatabase();
  pool = database.pool({ applicationName: 'prompt-log-retention-test', max: 4 });
});
afterAll(async () => {
  await database?.drop();
});

const admin = <R>(sql: string, values: unknown[] = []) =>
  withClient(database.adminUrl, async (client) => (await client.query(sql, values)).rows as R[]);

/** Prompt logs of the given ages (days), written as the superuser: the app role cannot backdate. */
async function logsAged(workspaceId: string, days: readonly number[]): Promise<void> {
  for (const age of days) {
    await admin(
      `insert into llm_prompt_logs (workspace_id, id, purpose, attempt, provider, model, prompt, outcome, created_at)
       values ($1, gen_random_uuid(), 'analysis', 1, 'offline', 'offline', 'a redacted prompt', 'ok', now() - make_interval(days => $2))`,
      [workspaceId, age],
    );
  }
}

const agesOf = async (workspaceId: string) =>
  (
    await admin<{ age: number }>(`select extract(day from now() - created_at)::int as age from llm_prompt_logs where workspace_id = $1 order by 1`, [
      workspaceId,
    ])
  ).map((row) => row.age);

describe('prompt log retention', () => {
  it('removes prompt logs past each workspace’s retention_prompt_logs_days, keeps all at 0, and records the purge', async () => {
    const kept = await seedWorkspace(pool, 'Keeps prompt logs');
    const thirty = await seedWorkspace(pool, 'Thirty days of prompt logs');
    await withTenant(pool, thirty, (client) => client.query('update workspaces set retention_prompt_logs_days = 30'));
    await logsAged(kept, [1, 400]);
    await logsAged(thirty, [1, 29, 31, 400]);

    const report = await runRetentionPurge({ pool, logger });
    expect(report.promptLogsRemoved).toBe(2);
    expect(await agesOf(kept)).toEqual([1, 400]);
    expect(await agesOf(thirty)).toEqual([1, 29]);
    const entries = await admin<{ actor_kind: string; after: unknown }>(
      `select actor_kind, after from audit_log where workspace_id = $1 and action = 'prompt_logs.purged'`,
      [thirty],
    );
    expect(entries).toEqual([{ actor_kind: 'system', after: { entries_removed: 2 } }]);
  });

  it('purges only inside a tenant transaction, and only the tenant’s own logs', async () => {
    await expect(pool.query('select tenancy_purge_prompt_logs()')).rejects.toMatchObject({ code: '42501' });
    const mine = await seedWorkspace(pool, 'Mine');
    const other = await seedWorkspace(pool, 'Other');
    await withTenant(pool, other, (client) => client.query('update workspaces set retention_prompt_logs_days = 1'));
    await logsAged(other, [5]);
    await withTenant(pool, mine, (client) => client.query('update workspaces set retention_prompt_logs_days = 1'));
    const [removed] = await withTenant(pool, mine, async (client) => (await client.query<{ n: string }>('select tenancy_purge_prompt_logs() as n')).rows);
    expect(Number(removed!.n)).toBe(0);
    expect(await agesOf(other)).toEqual([5]);
  });
});
