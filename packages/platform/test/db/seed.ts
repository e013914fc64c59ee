export { seedWorkspace } from '../../src/testing/seed-workspace.js';
import type { Pool } from 'pg';
import { uuidv7 } from 'uuidv7';
import { withTenant } from '../../src/db/with-tenant.js';

/** Appends one audit entry to `workspaceId`'s log as the app role and returns its id. */
export async function seedAuditEntry(pool: Pool, workspaceId: string, action = 'workspace.renamed'): Promise<string> {
  const id = uuidv7();
  await withTenant(pool, workspaceId, (client) =>
    client.query(
      `insert into audit_log (id, workspace_id, actor_name, action, action_category, before, after, ip_address)
       values ($1, $2, 'Ada', $3, 'workspace', '{"name":"a"}', '{"name":"b"}', '192.0.2.1')`,
      [id, workspaceId, action],
    ),
  );
  return id;
}
