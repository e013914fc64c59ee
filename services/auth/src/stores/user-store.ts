import type { Pool } from 'pg';
import type { TenantClient } from '@causeloop/platform/db';

/**
 * Users are global and the app role cannot read the table: every method goes through a
 * SECURITY DEFINER function of migration 0006 that returns only an id (or a member's name).
 */
export interface UserStore {
  /** By (issuer, subject), else links an unlinked user with this verified email. */
  resolveIdentity(options: { issuer: string; subject: string; verifiedEmail: string | undefined; name: string | undefined }): Promise<string | undefined>;
  /** Development local mode only: the one user with this email. */
  findByEmail(options: { email: string }): Promise<string | undefined>;
  /** The workspace of the user's oldest active membership. */
  firstActiveWorkspace(options: { userId: string }): Promise<string | undefined>;
  /** Display name of a member of the current tenant (inside withTenant). */
  memberDisplayName(client: TenantClient, options: { userId: string }): Promise<string | undefined>;
}

export class PgUserStore implements UserStore {
  constructor(private readonly pool: Pool) {}

  async resolveIdentity(options: { issuer: string; subject: string; verifiedEmail: string | undefined; name: string | undefined }) {
    const result = await this.pool.query<{ id: string | null }>('select auth_resolve_user($1, $2, $3, $4) as id', [
      options.issuer,
      options.subject,
      options.verifiedEmail ?? null,
      options.name ?? null,
    ]);
    return result.rows[0]?.id ?? undefined;
  }

  async findByEmail(options: { email: string }) {
    const result = await this.pool.query<{ id: string | null }>('select auth_find_user_by_email($1) as id', [options.email]);
    return result.rows[0]?.id ?? undefined;
  }

  async firstActiveWorkspace(options: { userId: string }) {
    const result = await this.pool.query<{ id: string | null }>('select auth_first_active_membership($1) as id', [
      options.userId,
    ]);
    return result.rows[0]?.id ?? undefined;
  }

  async memberDisplayName(client: TenantClient, options: { userId: string }) {
    const result = await client.query<{ name: string | null }>('select auth_member_display_name($1) as name', [
      options.userId,
    ]);
    return result.rows[0]?.name ?? undefined;
  }
}
