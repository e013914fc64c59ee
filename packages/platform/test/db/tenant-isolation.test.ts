import type { Client, Pool } from 'pg';
import { uuidv7 } from 'uuidv7';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool } from '../../src/db/create-pool.js';
import { withClient } from '../../src/db/with-client.js';
import { withTenant, type TenantClient } from '../../src/db/with-tenant.js';
import { createTestDatabase, type TestDatabase } from '../../src/testing/index.js';
import { seedAuditEntry, seedWorkspace } from './seed.js';

let database: TestDatabase;
let pool: Pool;
let workspaceA: string;
let workspaceB: string;

beforeAll(async () => {
  database = await createTestDatabase();
  pool = database.pool({ applicationName: 'tenant-isolation-test', max: 4 });
  workspaceA = await seedWorkspace(pool, 'Workspace A');
  workspaceB = await seedWorkspace(pool, 'Workspace B');
  await seedAuditEntry(pool, workspaceA);
  await seedAuditEntry(pool, workspaceB);
});

afterAll(async () => {
  await database?.drop();
});

function asApp<T>(fn: (client: Client) => Promise<T>): Promise<T> {
  return withClient(database.appUrl, fn);
}

describe('without a tenant', () => {
  it('sees no rows, and no error, when the setting was never set', async () => {
    await asApp(async (client) => {
      expect((await client.query('select * from workspaces')).rowCount).toBe(0);
      expect((await client.query('select * from audit_log')).rowCount).toBe(0);
    });
  });

  it('sees no rows when the setting is empty, as a reset pooled connection has it', async () => {
    await asApp(async (client) => {
      await client.query(`set app.current_workspace = ''`);
      expect((await client.query('select * from workspaces')).rowCount).toBe(0);
      expect((await client.query('select * from audit_log')).rowCount).toBe(0);
    });
  });

  it('cannot insert a workspace or an audit entry', async () => {
    await asApp(async (client) => {
      await expect(
        client.query('insert into workspaces (id, name) values ($1, $2)', [uuidv7(), 'Sneaky']),
      ).rejects.toThrow(/row-level security/);
      await expect(
        client.query(`insert into audit_log (id, workspace_id, action, action_category) values ($1, $2, 'x', 'y')`, [
          uuidv7(),
          workspaceA,
        ]),
      ).rejects.toThrow(/row-level security/);
    });
  });
});

describe('inside workspace A', () => {
  it('reads only its own rows', async () => {
    const seen = await withTenant(pool, workspaceA, async (client) => ({
      workspaces: (await client.query<{ id: string }>('select id from workspaces')).rows.map((row) => row.id),
      audit: (await client.query<{ workspace_id: string }>('select workspace_id from audit_log')).rows.map(
        (row) => row.workspace_id,
      ),
      aimedAtB: (await client.query('select * from audit_log where workspace_id = $1', [workspaceB])).rowCount,
    }));
    expect(seen.workspaces).toEqual([workspaceA]);
    expect(seen.audit).toEqual([workspaceA]);
    expect(seen.aimedAtB).toBe(0);
  });

  it("cannot insert rows for workspace B", async () => {
    await expect(
      withTenant(pool, workspaceA, (client) =>
        client.query(`insert into audit_log (id, workspace_id, action, action_category) values ($1, $2, 'x', 'y')`, [
          uuidv7(),
          workspaceB,
        ]),
      ),
    ).rejects.toThrow(/row-level security/);
    await expect(
      withTenant(pool, workspaceA, (client) =>
        client.query('insert into workspaces (id, name) values ($1, $2)', [uuidv7(), 'Another']),
      ),
    ).rejects.toThrow(/row-level security/);
  });

  it("updates and deletes aimed at workspace B affect no rows", async () => {
    const counts = await withTenant(pool, workspaceA, async (client) => ({
      update: (await client.query(`update workspaces set name = 'taken' where id = $1`, [workspaceB])).rowCount,
      delete: (await client.query('delete from workspaces where id = $1', [workspaceB])).rowCount,
      // RLS filters B's audit rows before the append-only trigger could even fire.
      auditUpdate: (await client.query(`update audit_log set action = 'x' where workspace_id = $1`, [workspaceB]))
        .rowCount,
      auditDelete: (await client.query('delete from audit_log where workspace_id = $1', [workspaceB])).rowCount,
    }));
    expect(counts).toEqual({ update: 0, delete: 0, auditUpdate: 0, auditDelete: 0 });
    const name = await withTenant(pool, workspaceB, async (client) => {
      const result = await client.query<{ name: string }>('select name from workspaces');
      return result.rows[0]?.name;
    });
    expect(name).toBe('Workspace B');
  });

  it('cannot move its own row into workspace B', async () => {
    await expect(
      withTenant(pool, workspaceA, (client) =>
        client.query('update workspaces set id = $1 where id = $2', [uuidv7(), workspaceA]),
      ),
    ).rejects.toThrow(/row-level security/);
  });
});

describe('withTenant', () => {
  it('leaves nothing behind on the pooled connection it used', async () => {
    const single = createPool({ connectionString: database.appUrl, applicationName: 'single', max: 1 });
    try {
      const pidInside = await withTenant(single, workspaceA, async (client) => {
        const result = await client.query<{ pid: number; count: string }>(
          'select pg_backend_pid() as pid, count(*) from workspaces',
        );
        expect(result.rows[0]?.count).toBe('1');
        return result.rows[0]?.pid;
      });
      const after = await single.query<{ pid: number; setting: string | null; count: string }>(
        `select pg_backend_pid() as pid, current_setting('app.current_workspace', true) as setting,
                (select count(*) from workspaces) as count`,
      );
      expect(after.rows[0]?.pid).toBe(pidInside);
      expect(after.rows[0]?.setting ?? '').toBe('');
      expect(after.rows[0]?.count).toBe('0');
    } finally {
      await single.end();
    }
  });

  it('rolls back when the callback throws', async () => {
    const id = uuidv7();
    await expect(
      withTenant(pool, workspaceA, async (client) => {
        await client.query(
          `insert into audit_log (id, workspace_id, action, action_category) values ($1, $2, 'x', 'y')`,
          [id, workspaceA],
        );
        throw new Error('callback failed');
      }),
    ).rejects.toThrow('callback failed');
    const found = await withTenant(pool, workspaceA, (client) =>
      client.query('select 1 from audit_log where id = $1', [id]),
    );
    expect(found.rowCount).toBe(0);
  });

  it('refuses a client kept beyond the call', async () => {
    let kept: TenantClient | undefined;
    await withTenant(pool, workspaceA, async (client) => {
      kept = client;
    });
    await expect(kept?.query('select 1')).rejects.toMatchObject({ code: 'tenant_not_set' });
  });

  it('refuses an empty or malformed workspace id before touching the database', async () => {
    // Nothing listens on port 1: reaching the database would fail differently.
    const unreachable = createPool({ connectionString: 'postgres://nobody@127.0.0.1:1/none', applicationName: 'x' });
    try {
      const run = (id: string) => withTenant(unreachable, id, (client) => client.query('select 1'));
      await expect(run('')).rejects.toMatchObject({ code: 'tenant_not_set' });
      await expect(run('not-a-uuid')).rejects.toMatchObject({ code: 'invalid_argument' });
      await expect(run(`${workspaceA}' or true --`)).rejects.toMatchObject({ code: 'invalid_argument' });
      expect(unreachable.totalCount).toBe(0);
    } finally {
      await unreachable.end();
    }
  });
});
