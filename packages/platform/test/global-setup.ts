import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { bootstrapRoles } from '../src/db/bootstrap-roles.js';
import { startEmbeddedPostgres, type EmbeddedPostgresServer } from '../src/embedded-postgres/start-embedded-postgres.js';
import '../src/testing/test-postgres-context.js';

/**
 * One PostgreSQL server for the whole test run, in a fresh temporary directory. Test
 * files each create their own database on it with `createTestDatabase()`.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const dataDirectory = await mkdtemp(join(tmpdir(), 'causeloop-test-pg-'));
  let server: EmbeddedPostgresServer | undefined;
  try {
    server = await startEmbeddedPostgres({
      dataDirectory,
      ephemeral: true,
      // Every test file opens a few pools at once under the forks pool.
      postgresFlags: ['-c', 'max_connections=300'],
    });
    const ownerPassword = randomBytes(18).toString('base64url');
    const appPassword = randomBytes(18).toString('base64url');
    await bootstrapRoles({ adminConnectionString: server.adminUrl, ownerPassword, appPassword });
    project.provide('postgres', { adminUrl: server.adminUrl, ownerPassword, appPassword });
  } catch (error) {
    await server?.stop().catch(() => undefined);
    await rm(dataDirectory, { recursive: true, force: true });
    throw error;
  }
  const started = server;
  return async () => {
    await started.stop();
    await rm(dataDirectory, { recursive: true, force: true });
  };
}
