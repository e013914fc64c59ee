import { createPool, withTenant } from '@causeloop/platform/db';
import { withBenchDatabase } from './bench-database.js';
import { measure, report } from './measure.js';

const total = 10_000;
const concurrency = 8;
const workspaceId = '0190a1b2-c3d4-7e5f-8a6b-7c8d9e0f1a2b';

/**
 * What tenant scoping costs per unit of work: `withTenant` (BEGIN, set_config, query,
 * COMMIT under RLS) against the same query sent alone on the same pool.
 */
export async function benchTenant(): Promise<void> {
  await withBenchDatabase(async ({ appUrl }) => {
    const pool = createPool({ connectionString: appUrl, applicationName: 'bench', max: concurrency });
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
  });
}
