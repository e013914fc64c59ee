import { createHash } from 'node:crypto';
import type { Pool } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withClient, withTenant } from '@causeloop/platform/db';
import { createTestDatabase, seedMember, seedUser, seedWorkspace, type TestDatabase } from '@causeloop/platform/testing';

// Migration 0006 as the app role sees it: users unreachable except through the definer
// functions, which answer ids only; token tables scoped like every tenant table.

let database: TestDatabase;
let pool: Pool;
let workspaceA: string;
let workspaceB: string;
let userId: string;
const hash = createHash('sha256').update('clp_pat_example').digest();

beforeAll(async () => {
  database = await createTestDatabase();
  pool = database.pool({ applicationName: 'identity-schema-test', max: 2 });
  workspaceA = await seedWorkspace(pool, 'A');
  workspaceB = await seedWorkspace(pool, 'B');
  userId = await seedUser(database, { email: 'Ada@Example.com', issuer: 'https://idp', subject: 'ada', name: 'Ada' });
  await seedMember(pool, workspaceA, userId, 'admin');
  await withTenant(pool, workspaceA, (client) =>
    client.query(
      `insert into api_tokens (workspace_id, id, kind, user_id, name, token_hash, display_prefix, scopes)
       values ($1, gen_random_uuid(), 'personal_access', $2, 'n', $3, 'clp_pat_exam', '{issues:read}')`,
      [workspaceA, userId, hash],
    ),
  );
});

afterAll(async () => {
  await database?.drop();
});

describe('the identity schema, as causeloop_app', () => {
  it('cannot read or write users at all', async () => {
    await expect(pool.query('select * from users')).rejects.toThrow(/permission denied/);
    await expect(pool.query(`insert into users (id, email) values (gen_random_uuid(), 'x@y')`)).rejects.toThrow(/permission denied/);
  });

  it('resolves identities through the definer functions, which answer ids only', async () => {
    const resolved = await pool.query('select auth_resolve_user($1, $2, null, null) as id', ['https://idp', 'ada']);
    expect(resolved.rows).toEqual([{ id: userId }]);
    expect((await pool.query(`select auth_find_user_by_email('ada@example.com') as id`)).rows).toEqual([{ id: userId }]);
    expect((await pool.query('select auth_first_active_membership($1) as id', [userId])).rows).toEqual([{ id: workspaceA }]);
    const found = await pool.query('select * from auth_find_api_token($1)', [hash]);
    expect(found.rows).toEqual([{ workspace_id: workspaceA, token_id: expect.any(String) }]);
  });

  it('names a member only inside a workspace they belong to', async () => {
    expect(await withTenant(pool, workspaceA, async (c) => (await c.query('select auth_member_display_name($1) as n', [userId])).rows[0])).toEqual({ n: 'Ada' });
    expect(await withTenant(pool, workspaceB, async (c) => (await c.query('select auth_member_display_name($1) as n', [userId])).rows[0])).toEqual({ n: null });
    expect((await pool.query('select auth_member_display_name($1) as n', [userId])).rows[0]).toEqual({ n: null });
  });

  it('sees token rows only inside their workspace', async () => {
    expect((await pool.query('select * from api_tokens')).rowCount).toBe(0);
    expect(await withTenant(pool, workspaceB, async (c) => (await c.query('select * from api_tokens')).rowCount)).toBe(0);
    expect(await withTenant(pool, workspaceA, async (c) => (await c.query('select * from api_tokens')).rowCount)).toBe(1);
  });

  it('cannot give a PAT to someone who is not a member of the workspace', async () => {
    await expect(
      withTenant(pool, workspaceB, (client) =>
        client.query(
          `insert into api_tokens (workspace_id, id, kind, user_id, name, token_hash, display_prefix, scopes)
           values ($1, gen_random_uuid(), 'personal_access', $2, 'n', $3, 'p', '{}')`,
          [workspaceB, userId, createHash('sha256').update('other').digest()],
        ),
      ),
    ).rejects.toThrow(/foreign key/);
  });

  it('lets the owner read the lookup tables but not write them unscoped', async () => {
    await withClient(database.ownerUrl, async (owner) => {
      expect((await owner.query('select id from api_tokens')).rowCount).toBe(1);
      expect((await owner.query(`update api_tokens set name = 'x'`)).rowCount).toBe(0);
      expect((await owner.query('select * from service_accounts')).rowCount).toBe(0);
    });
  });
});
