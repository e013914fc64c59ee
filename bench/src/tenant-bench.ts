import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { bootstrapRoles, createPool, migrationsDirectory, runMigrations, withTenant } from '@causeloop/platform';
import { startEmbeddedPostgres } from '@causeloop/platform/embedded-postgres';
import { measure, report } from './measure.js';

const total = 10_000;
const concurrency = 8;
const workspaceId = '0190a1b2-c3d4-7e5f-8a6b-7c8d9e0f1a2b';

/**
 * What tenant scoping costs per unit of work: `withTenant` (BEGIN, set_config, query,
 * COMMIT under RLS) against the same query sent alone on the same pool.
 */
export async function benchTenant(): Promise<void> {
  const directory = await mkdtemp(path.join(tmpdir(), 'causeloop-bench-pg-'));
  const server = await startEmbeddedPostgres({ dataDirectory: directory, ephemeral: true });
  try {
    const ownerPassword = randomBytes(12).toString('hex');
    const appPassword = randomBytes(12).toString('hex');
    await bootstrapRoles({ adminConnectionString: server.adminUrl, database: 'bench', ownerPassword, appPassword });
    const url = (user: string, password: string) => `postgres://${user}:${password}@127.0.0.1:${server.port}/bench`;
    await runMigrations({ connectionString: url('causeloop_owner', ownerPassword), directory: migrationsDirectory() });
    const pool = createPool({ connectionString: url('causeloop_app', appPassword), applicationName: 'bench', max: concurrency });
    await withTenant(pool, workspaceId, (client) =>
      client.query('insert into workspaces (id, name) values ($1, $2)', [workspaceId, 'Bench']),
    );

    const lookup = 'select id, name from workspaces where id = $1';
    const baseline = await measure('single query, no transaction (sees no rows)', () => pool.query(lookup, [workspaceId]), {
      total,
      concurrency,
    });
    const scoped = await measure('withTenant: begin, set_config, query, commit', () =>
      withTenant(pool, workspaceId, (client) => client.query(lookup, [workspaceId])), { total, concurrency });
    await pool.end();
    report(`PostgreSQL tenant scoping (${total} lookups, ${concurrency} connections)`, baseline, [scoped]);
  } finally {
    await server.stop();
    await rm(directory, { recursive: true, force: true });
  }
}
