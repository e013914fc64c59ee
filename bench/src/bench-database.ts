import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { bootstrapRoles, migrationsDirectory, runMigrations } from '@causeloop/platform/db';
import { startEmbeddedPostgres } from '@causeloop/platform/embedded-postgres';

export interface BenchDatabase {
  /** As causeloop_owner. */
  readonly ownerUrl: string;
  /** As causeloop_app, what services connect with. */
  readonly appUrl: string;
}

/**
 * Runs `work` against a throwaway, migrated database on its own embedded PostgreSQL
 * (fsync off: benchmarks measure the code, not the disk), then removes it.
 */
export async function withBenchDatabase<T>(work: (database: BenchDatabase) => Promise<T>): Promise<T> {
  const directory = await mkdtemp(path.join(tmpdir(), 'causeloop-bench-pg-'));
  const server = await startEmbeddedPostgres({ dataDirectory: directory, ephemeral: true });
  try {
    const ownerPassword = randomBytes(12).toString('hex');
    const appPassword = randomBytes(12).toString('hex');
    await bootstrapRoles({ adminConnectionString: server.adminUrl, database: 'bench', ownerPassword, appPassword });
    const url = (user: string, password: string) => `postgres://${user}:${password}@127.0.0.1:${server.port}/bench`;
    const ownerUrl = url('causeloop_owner', ownerPassword);
    await runMigrations({ connectionString: ownerUrl, directory: migrationsDirectory() });
    return await work({ ownerUrl, appUrl: url('causeloop_app', appPassword) });
  } finally {
    await server.stop();
    await rm(directory, { recursive: true, force: true });
  }
}
