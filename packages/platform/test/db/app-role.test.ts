import { randomBytes } from 'node:crypto';
import { Client, type Pool } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertAppRole } from '../../src/db/assert-app-role.js';
import { createPool } from '../../src/db/create-pool.js';
import { createTestDatabase, withConnectionParts, type TestDatabase } from '../../src/testing/index.js';

let database: TestDatabase;
const bypassRole = `bypass_${randomBytes(4).toString('hex')}`;
const bypassPassword = randomBytes(12).toString('hex');

async function asAdmin(sql: string): Promise<void> {
  const admin = new Client({ connectionString: database.adminUrl });
  await admin.connect();
  try {
    await admin.query(sql);
  } finally {
    await admin.end();
  }
}

async function withPool<T>(connectionString: string, fn: (pool: Pool) => Promise<T>): Promise<T> {
  const pool = createPool({ connectionString, applicationName: 'app-role-test', max: 1 });
  try {
    return await fn(pool);
  } finally {
    await pool.end();
  }
}

beforeAll(async () => {
  database = await createTestDatabase();
  // Roles are cluster-wide: a random name keeps parallel test files apart.
  await asAdmin(`create role ${bypassRole} login nosuperuser bypassrls password '${bypassPassword}'`);
});

afterAll(async () => {
  await database?.drop();
  await asAdminOnServer(`drop role if exists ${bypassRole}`);
});

async function asAdminOnServer(sql: string): Promise<void> {
  if (database === undefined) return;
  const admin = new Client({ connectionString: withConnectionParts(database.adminUrl, { database: 'postgres' }) });
  await admin.connect();
  try {
    await admin.query(sql);
  } finally {
    await admin.end();
  }
}

describe('assertAppRole', () => {
  it('passes as causeloop_app', async () => {
    await withPool(database.appUrl, (pool) => expect(assertAppRole(pool)).resolves.toBeUndefined());
  });

  it('refuses a superuser, saying so', async () => {
    await withPool(database.adminUrl, async (pool) => {
      const error = await assertAppRole(pool).catch((caught: unknown) => caught);
      expect(error).toMatchObject({ code: 'database_role_unsafe' });
      expect((error as Error).message).toMatch(/"postgres", which is a superuser/);
      expect((error as Error).message).toMatch(/causeloop_app/);
    });
  });

  it('refuses a role with BYPASSRLS, saying so', async () => {
    const url = withConnectionParts(database.appUrl, { user: bypassRole, password: bypassPassword });
    await withPool(url, async (pool) => {
      await expect(assertAppRole(pool)).rejects.toMatchObject({
        code: 'database_role_unsafe',
        message: expect.stringMatching(new RegExp(`"${bypassRole}", which has BYPASSRLS`)),
      });
    });
  });

  it('refuses a role that owns tables, such as the owner', async () => {
    await withPool(database.ownerUrl, async (pool) => {
      await expect(assertAppRole(pool)).rejects.toMatchObject({
        code: 'database_role_unsafe',
        message: expect.stringMatching(/"causeloop_owner", which owns .*public\.audit_log/),
      });
    });
  });
});
