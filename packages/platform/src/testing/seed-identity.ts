import type { Pool } from 'pg';
import { uuidv7 } from 'uuidv7';
import { withClient } from '../db/with-client.js';
import { withTenant } from '../db/with-tenant.js';
import type { RoleName } from '../identity/scope-catalogue.js';
import type { TestDatabase } from './create-test-database.js';

export interface SeededUser {
  readonly email: string;
  /** The identity provider's issuer and subject, for users who signed in through one. */
  readonly issuer?: string;
  readonly subject?: string;
  readonly name?: string;
  /** false when omitted. */
  readonly verified?: boolean;
}

/** A user row, written as the owner: the app role cannot write `users`. Returns its id. */
export async function seedUser(database: Pick<TestDatabase, 'ownerUrl'>, user: SeededUser): Promise<string> {
  const id = uuidv7();
  await withClient(database.ownerUrl, (client) =>
    client.query(
      'insert into users (id, idp_issuer, idp_subject, email, email_verified, display_name) values ($1, $2, $3, $4, $5, $6)',
      [id, user.issuer ?? null, user.subject ?? null, user.email, user.verified ?? false, user.name ?? null],
    ),
  );
  return id;
}

/** Makes `userId` a member of `workspaceId` with `role` (or updates the membership), inside the tenant. */
export async function seedMember(
  pool: Pool,
  workspaceId: string,
  userId: string,
  role: RoleName,
  status: 'active' | 'invited' | 'removed' = 'active',
): Promise<void> {
  await withTenant(pool, workspaceId, (client) =>
    client.query(
      `insert into workspace_members (workspace_id, user_id, role, status) values ($1, $2, $3, $4)
       on conflict (workspace_id, user_id) do update set role = excluded.role, status = excluded.status`,
      [workspaceId, userId, role, status],
    ),
  );
}
