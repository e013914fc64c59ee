import type { TenantClient } from '@causeloop/platform/db';
import { isRoleName, type RoleName } from '@causeloop/platform/identity';

/** Reads workspace_members of the current tenant (tenancy manages the rows). */
export interface MembershipStore {
  /** The member's role while their membership is active; undefined otherwise. */
  activeRole(client: TenantClient, options: { userId: string }): Promise<RoleName | undefined>;
}

export class PgMembershipStore implements MembershipStore {
  async activeRole(client: TenantClient, options: { userId: string }): Promise<RoleName | undefined> {
    const result = await client.query<{ role: string }>(
      `select role from workspace_members where user_id = $1 and status = 'active'`,
      [options.userId],
    );
    const role = result.rows[0]?.role;
    return role !== undefined && isRoleName(role) ? role : undefined;
  }
}
