import { Client, type Pool } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withTenant } from '../../src/db/with-tenant.js';
import { createTestDatabase, type TestDatabase } from '../../src/testing/index.js';
import { seedAuditEntry, seedWorkspace } from './seed.js';

let database: TestDatabase;
let pool: Pool;
let workspaceA: string;
let workspaceB: string;
let entryA: string;

beforeAll(async () => {
  database = await createTestDatabase();
  pool = database.pool({ applicationName: 'audit-log-test', max: 2 });
  workspaceA = await seedWorkspace(pool, 'Workspace A');
  workspaceB = await seedWorkspace(pool, 'Workspace B');
  entryA = await seedAuditEntry(pool, workspaceA);
  await seedAuditEntry(pool, workspaceB);
});

afterAll(async () => {
  await database?.drop();
});

const countIn = (workspaceId: string) =>
  withTenant(pool, workspaceId, async (client) => {
    const result = await client.query<{ count: string }>('select count(*) from audit_log');
    return Number(result.rows[0]?.count);
  });

describe('audit_log is append-only', () => {
  it('takes new entries inside the tenant', async () => {
    await seedAuditEntry(pool, workspaceA, 'member.added');
    expect(await countIn(workspaceA)).toBe(2);
  });

  it('rejects UPDATE even inside the right tenant', async () => {
    await expect(
      withTenant(pool, workspaceA, (client) =>
        client.query(`update audit_log set actor_name = 'Mallory' where id = $1`, [entryA]),
      ),
    ).rejects.toThrow(/append-only: UPDATE/);
  });

  it('rejects DELETE even inside the right tenant', async () => {
    await expect(
      withTenant(pool, workspaceA, (client) => client.query('delete from audit_log where id = $1', [entryA])),
    ).rejects.toThrow(/append-only: DELETE/);
  });

  it('ignores the purge flag when the app role sets it itself', async () => {
    await expect(
      withTenant(pool, workspaceA, async (client) => {
        await client.query(`select set_config('causeloop.audit_log_purge', 'on', true)`);
        return client.query('delete from audit_log where id = $1', [entryA]);
      }),
    ).rejects.toThrow(/append-only: DELETE/);
    expect(await countIn(workspaceA)).toBeGreaterThanOrEqual(1);
  });

  it('rejects TRUNCATE, even by the owner', async () => {
    const owner = new Client({ connectionString: database.ownerUrl });
    await owner.connect();
    try {
      await expect(owner.query('truncate audit_log')).rejects.toThrow(/append-only: TRUNCATE/);
    } finally {
      await owner.end();
    }
  });
});

describe('audit_log_purge', () => {
  it('cannot be called by the app role until a migration grants it', async () => {
    await expect(
      withTenant(pool, workspaceA, (client) => client.query(`select audit_log_purge($1, now())`, [workspaceA])),
    ).rejects.toThrow(/permission denied/);
  });

  it('removes old entries of one workspace only, as the owner', async () => {
    const owner = new Client({ connectionString: database.ownerUrl });
    await owner.connect();
    try {
      const before = await countIn(workspaceA);
      const result = await owner.query<{ removed: string; setting: string | null }>(
        `select audit_log_purge($1, now() + interval '1 hour') as removed,
                current_setting('causeloop.audit_log_purge', true) as setting`,
        [workspaceA],
      );
      expect(Number(result.rows[0]?.removed)).toBe(before);
      expect(result.rows[0]?.setting ?? '').toBe('');
    } finally {
      await owner.end();
    }
    expect(await countIn(workspaceA)).toBe(0);
    expect(await countIn(workspaceB)).toBe(1);
  });
});
