import { randomBytes } from 'node:crypto';
import { escapeIdentifier, type Pool } from 'pg';
import { inject } from 'vitest';
import { createPool } from '../db/create-pool.js';
import { migrationsDirectory } from '../db/migrations-directory.js';
import { runMigrations } from '../db/migrate.js';
import { withClient } from '../db/with-client.js';
import { withConnectionParts } from './connection-url.js';
import type { TestPostgresContext } from './test-postgres-context.js';

export interface TestDatabaseOptions {
  /** Apply every migration as the owner before returning; true when omitted. */
  readonly migrate?: boolean;
}

export interface TestDatabase {
  readonly name: string;
  /** As causeloop_owner: migrations and seeding. */
  readonly ownerUrl: string;
  /** As causeloop_app: what services connect as. */
  readonly appUrl: string;
  /** As the superuser, on this database. */
  readonly adminUrl: string;
  /** A pool on this database, as causeloop_app unless `role: 'owner'`; `drop()` ends it. */
  pool(options: { readonly applicationName: string; readonly max: number; readonly role?: 'app' | 'owner' }): Pool;
  /** Ends the pools it opened, then drops the database, ending any other connection still open to it. */
  drop(): Promise<void>;
}

/**
 * A fresh database on the test run's server (started by the global setup), owned by
 * causeloop_owner and migrated, so each test file works on its own schema and data.
 */
export async function createTestDatabase(options: TestDatabaseOptions = {}): Promise<TestDatabase> {
  const postgres: TestPostgresContext = inject('postgres');
  const name = `causeloop_test_${randomBytes(6).toString('hex')}`;
  await asAdmin(postgres.adminUrl, `create database ${escapeIdentifier(name)} owner causeloop_owner`);

  const ownerUrl = withConnectionParts(postgres.adminUrl, {
    user: 'causeloop_owner',
    password: postgres.ownerPassword,
    database: name,
  });
  const appUrl = withConnectionParts(postgres.adminUrl, { user: 'causeloop_app', password: postgres.appPassword, database: name });
  // Ended before the drop, whose `force` would otherwise cut their connections under them.
  const pools: Pool[] = [];
  const database: TestDatabase = {
    name,
    ownerUrl,
    appUrl,
    adminUrl: withConnectionParts(postgres.adminUrl, { database: name }),
    pool: ({ applicationName, max, role = 'app' }) => {
      const pool = createPool({ connectionString: role === 'owner' ? ownerUrl : appUrl, applicationName, max });
      pools.push(pool);
      return pool;
    },
    async drop() {
      await Promise.all(pools.splice(0).filter((pool) => !pool.ended).map((pool) => pool.end()));
      await asAdmin(postgres.adminUrl, `drop database if exists ${escapeIdentifier(name)} with (force)`);
    },
  };
  if (options.migrate ?? true) {
    try {
      await runMigrations({ connectionString: ownerUrl, directory: migrationsDirectory() });
    } catch (error) {
      await database.drop().catch(() => undefined);
      throw error;
    }
  }
  return database;
}

async function asAdmin(adminUrl: string, sql: string): Promise<void> {
  await withClient(adminUrl, (client) => client.query(sql), 'causeloop-test');
}
