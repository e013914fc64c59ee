import type { Pool } from 'pg';
import { uuidv7 } from 'uuidv7';
import { withTenant } from '../db/with-tenant.js';

/**
 * Creates a workspace row as the app role and returns its id: the tenant root can only be
 * inserted with the GUC set to its own id, as provisioning does.
 */
export async function seedWorkspace(pool: Pool, name: string): Promise<string> {
  const id = uuidv7();
  await withTenant(pool, id, (client) => client.query('insert into workspaces (id, name) values ($1, $2)', [id, name]));
  return id;
}
