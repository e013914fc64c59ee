import { createPool, withTenant } from '@causeloop/platform/db';

/** The demo workspace every local install gets, with a fixed id so links keep working. */
export const demoWorkspace = { id: '0190a1b2-c3d4-7e5f-8a6b-7c8d9e0f1a2b', name: 'Demo workspace', slug: 'demo' } as const;

/** Its owner, who signs in through auth's development mode with `dev:<email>`. */
export const demoOwner = {
  id: '0190a1b2-c3d4-7e5f-8a6b-7c8d9e0f1a2c',
  email: 'owner@demo.causeloop.dev',
  displayName: 'Demo Owner',
} as const;

/**
 * Provisions the demo data as the owner role, as an operator's provisioning would: the
 * workspace and its membership under the workspace's GUC (FORCE RLS binds the owner too),
 * the user in the global `users` table the app role cannot touch. Idempotent.
 */
export async function seedDemoData(ownerUrl: string): Promise<void> {
  const pool = createPool({ connectionString: ownerUrl, applicationName: 'causeloop-seed', max: 1 });
  try {
    await withTenant(pool, demoWorkspace.id, async (client) => {
      await client.query('insert into workspaces (id, name, slug) values ($1, $2, $3) on conflict (id) do nothing', [
        demoWorkspace.id,
        demoWorkspace.name,
        demoWorkspace.slug,
      ]);
      await client.query(
        `insert into users (id, email, email_verified, display_name) values ($1, $2, true, $3)
         on conflict (id) do nothing`,
        [demoOwner.id, demoOwner.email, demoOwner.displayName],
      );
      await client.query(
        `insert into workspace_members (workspace_id, user_id, role) values ($1, $2, 'owner')
         on conflict (workspace_id, user_id) do nothing`,
        [demoWorkspace.id, demoOwner.id],
      );
    });
  } finally {
    await pool.end();
  }
}
