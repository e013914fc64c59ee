import type { TenantClient } from '@causeloop/platform/db';
import { isRoleName, type RoleName } from '@causeloop/platform/identity';

export interface MemberRow {
  readonly user_id: string;
  readonly role: RoleName;
  readonly email: string | null;
  readonly display_name: string | null;
  readonly created_at: Date;
}

/** workspace_members of the current tenant (tenancy manages the rows; auth reads them). */
export interface MemberStore {
  /** Active members with a user id after `afterUserId`, by user id, `limit` rows. */
  list(client: TenantClient, options: { afterUserId: string | undefined; limit: number }): Promise<MemberRow[]>;
  /** The active member, locked for the rest of the transaction. */
  getActiveForUpdate(client: TenantClient, options: { userId: string }): Promise<MemberRow | undefined>;
  /** Locks every active owner row and counts them: two concurrent demotions cannot both pass. */
  lockActiveOwners(client: TenantClient): Promise<number>;
  /** Makes the user an active member with `role` (a removed member comes back). False if already active. */
  activate(client: TenantClient, options: { userId: string; role: RoleName }): Promise<boolean>;
  setRole(client: TenantClient, options: { userId: string; role: RoleName }): Promise<void>;
  /** Ends the membership and revokes the member's personal access and refresh tokens; returns how many tokens. */
  remove(client: TenantClient, options: { userId: string }): Promise<number>;
  /** The user's id when they are an active member; looked up by email through the definer function. */
  activeByEmail(client: TenantClient, options: { email: string }): Promise<string | undefined>;
}

const memberSelect = `select m.user_id, m.role, p.email, p.display_name, m.created_at
  from workspace_members m left join tenancy_member_profiles() p on p.user_id = m.user_id`;

export class PgMemberStore implements MemberStore {
  async list(client: TenantClient, options: { afterUserId: string | undefined; limit: number }): Promise<MemberRow[]> {
    const result = await client.query<MemberRow>(
      `${memberSelect} where m.status = 'active' and ($2::uuid is null or m.user_id > $2) order by m.user_id limit $1`,
      [options.limit, options.afterUserId ?? null],
    );
    return result.rows.filter((row) => isRoleName(row.role));
  }

  async getActiveForUpdate(client: TenantClient, options: { userId: string }): Promise<MemberRow | undefined> {
    const locked = await client.query<{ user_id: string }>(
      `select user_id from workspace_members where user_id = $1 and status = 'active' for update`,
      [options.userId],
    );
    if (locked.rows.length === 0) return undefined;
    const result = await client.query<MemberRow>(`${memberSelect} where m.user_id = $1`, [options.userId]);
    return result.rows[0];
  }

  async lockActiveOwners(client: TenantClient): Promise<number> {
    const result = await client.query(
      `select user_id from workspace_members where role = 'owner' and status = 'active' order by user_id for update`,
    );
    return result.rows.length;
  }

  async activate(client: TenantClient, options: { userId: string; role: RoleName }): Promise<boolean> {
    const result = await client.query(
      `insert into workspace_members (workspace_id, user_id, role, status)
       values (app_current_tenant(), $1, $2, 'active')
       on conflict (workspace_id, user_id) do update set role = excluded.role, status = 'active'
         where workspace_members.status <> 'active'`,
      [options.userId, options.role],
    );
    return result.rowCount === 1;
  }

  async setRole(client: TenantClient, options: { userId: string; role: RoleName }): Promise<void> {
    await client.query(`update workspace_members set role = $2 where user_id = $1 and status = 'active'`, [
      options.userId,
      options.role,
    ]);
  }

  async remove(client: TenantClient, options: { userId: string }): Promise<number> {
    await client.query(`update workspace_members set status = 'removed' where user_id = $1`, [options.userId]);
    const pats = await client.query(
      `update api_tokens set revoked_at = now()
        where kind = 'personal_access' and user_id = $1 and revoked_at is null`,
      [options.userId],
    );
    const refresh = await client.query(
      `update refresh_tokens set revoked_at = now() where user_id = $1 and revoked_at is null`,
      [options.userId],
    );
    return (pats.rowCount ?? 0) + (refresh.rowCount ?? 0);
  }

  async activeByEmail(client: TenantClient, options: { email: string }): Promise<string | undefined> {
    const result = await client.query<{ user_id: string }>(
      `select m.user_id from workspace_members m join tenancy_member_profiles() p on p.user_id = m.user_id
        where lower(p.email) = lower($1) and m.status = 'active'`,
      [options.email],
    );
    return result.rows[0]?.user_id;
  }
}
