import { createPool, withTenant } from '@causeloop/platform';

/** The demo workspace every local install gets, with a fixed id so links keep working. */
export const demoWorkspace = { id: '0190a1b2-c3d4-7e5f-8a6b-7c8d9e0f1a2b', name: 'Demo workspace', slug: 'demo' } as const;

/**
 * Seeds the demo data through the app role and withTenant, exactly as services write,
 * so the seed itself proves the role and policies work. Idempotent.
 */
export async function seedDemoData(appUrl: string): Promise<void> {
  const pool = createPool({ connectionString: appUrl, applicationName: 'causeloop-seed', max: 1 });
  try {
    await withTenant(pool, demoWorkspace.id, (client) =>
      client.query(
        `insert into workspaces (id, name, slug) values ($1, $2, $3) on conflict (id) do nothing`,
        [demoWorkspace.id, demoWorkspace.name, demoWorkspace.slug],
      ),
    );
  } finally {
    await pool.end();
  }
}
