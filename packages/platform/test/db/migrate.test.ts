import { appendFile, cp, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runMigrations } from '../../src/db/migrate.js';
import { withClient } from '../../src/db/with-client.js';
import { migrationsDirectory } from '../../src/db/migrations-directory.js';
import { createTestDatabase, type TestDatabase } from '../../src/testing/index.js';

const databases: TestDatabase[] = [];
let copies: string;
let allVersions: string[];

async function freshDatabase(): Promise<TestDatabase> {
  const database = await createTestDatabase({ migrate: false });
  databases.push(database);
  return database;
}

async function copyOfMigrations(): Promise<string> {
  const directory = await mkdtemp(join(copies, 'migrations-'));
  await cp(migrationsDirectory(), directory, { recursive: true });
  return directory;
}

async function recordedVersions(database: TestDatabase): Promise<string[]> {
  const result = await withClient(database.ownerUrl, (client) =>
    client.query<{ version: string }>('select version from schema_migrations order by version'),
  );
  return result.rows.map((row) => row.version);
}

beforeAll(async () => {
  copies = await mkdtemp(join(tmpdir(), 'causeloop-migrations-'));
  allVersions = (await readdir(migrationsDirectory()))
    .filter((name) => name.endsWith('.sql'))
    .sort()
    .map((name) => name.slice(0, -4));
});

afterAll(async () => {
  await Promise.all(databases.map((database) => database.drop()));
  if (copies !== undefined) await rm(copies, { recursive: true, force: true });
});

describe('runMigrations', () => {
  it('finds the repository migrations', () => {
    expect(allVersions.slice(0, 4)).toEqual([
      '0001_create_app_role',
      '0002_create_tenant_functions',
      '0003_create_workspaces',
      '0004_create_audit_log',
    ]);
  });

  it('applies everything in order once, then nothing', async () => {
    const database = await freshDatabase();
    const options = { connectionString: database.ownerUrl, directory: migrationsDirectory() };
    expect((await runMigrations(options)).applied).toEqual(allVersions);
    expect((await runMigrations(options)).applied).toEqual([]);
    expect(await recordedVersions(database)).toEqual(allVersions);
  });

  it('lets concurrent runners share the work, each migration applied once', async () => {
    const database = await freshDatabase();
    const options = { connectionString: database.ownerUrl, directory: migrationsDirectory() };
    const results = await Promise.all([runMigrations(options), runMigrations(options), runMigrations(options)]);
    const applied = results.flatMap((result) => result.applied).sort();
    expect(applied).toEqual(allVersions);
    expect(await recordedVersions(database)).toEqual(allVersions);
  });

  it('refuses when an applied file has changed, naming it', async () => {
    const database = await freshDatabase();
    const directory = await copyOfMigrations();
    await runMigrations({ connectionString: database.ownerUrl, directory });
    await appendFile(join(directory, '0003_create_workspaces.sql'), '\n-- edited after the fact\n');
    await expect(runMigrations({ connectionString: database.ownerUrl, directory })).rejects.toMatchObject({
      code: 'config_invalid',
      message: expect.stringMatching(/0003_create_workspaces\.sql was changed after it was applied/),
    });
  });

  it('rolls a failing migration back whole and names it', async () => {
    const database = await freshDatabase();
    const directory = await copyOfMigrations();
    await writeFile(
      join(directory, '9999_create_broken.sql'),
      'create table half_done (id int);\nselect no_such_function();\n',
    );
    await expect(runMigrations({ connectionString: database.ownerUrl, directory })).rejects.toThrow(
      /migration 9999_create_broken\.sql failed: function no_such_function\(\) does not exist/,
    );
    expect(await recordedVersions(database)).toEqual(allVersions);
    const client = new Client({ connectionString: database.ownerUrl });
    await client.connect();
    try {
      const table = await client.query(`select to_regclass('public.half_done') as oid`);
      expect(table.rows[0]?.oid).toBeNull();
    } finally {
      await client.end();
    }
  });

  it('refuses badly named files before touching the database', async () => {
    const directory = await copyOfMigrations();
    await writeFile(join(directory, '12_Add stuff.sql'), 'select 1;');
    await expect(
      runMigrations({ connectionString: 'postgres://nobody@127.0.0.1:1/none', directory }),
    ).rejects.toMatchObject({ code: 'config_invalid', message: expect.stringMatching(/12_Add stuff\.sql/) });
  });
});
