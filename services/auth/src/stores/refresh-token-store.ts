import type { Pool } from 'pg';
import type { TenantClient } from '@causeloop/platform/db';

export interface RefreshTokenRow {
  readonly id: string;
  readonly family_id: string;
  readonly user_id: string;
  readonly created_at: Date;
  readonly expires_at: Date;
  readonly used_at: Date | null;
  readonly revoked_at: Date | null;
  readonly replaced_by: string | null;
}

const columns = 'id, family_id, user_id, created_at, expires_at, used_at, revoked_at, replaced_by';

/**
 * Rotating refresh tokens, stored as SHA-256 hashes. `findByHash` is the one cross-tenant
 * read (a SECURITY DEFINER function returning ids); the rest runs inside withTenant.
 */
export interface RefreshTokenStore {
  findByHash(options: { tokenHash: Buffer }): Promise<{ workspaceId: string; tokenId: string } | undefined>;
  /** Locks the row, so concurrent refreshes of one token run one after the other. */
  getForUpdate(client: TenantClient, options: { id: string }): Promise<RefreshTokenRow | undefined>;
  get(client: TenantClient, options: { id: string }): Promise<RefreshTokenRow | undefined>;
  insert(
    client: TenantClient,
    token: { id: string; familyId: string; userId: string; tokenHash: Buffer; expiresAt: Date },
  ): Promise<void>;
  markUsed(client: TenantClient, options: { id: string; replacedBy: string }): Promise<void>;
  revokeFamily(client: TenantClient, options: { familyId: string }): Promise<number>;
}

export class PgRefreshTokenStore implements RefreshTokenStore {
  constructor(private readonly pool: Pool) {}

  async findByHash(options: { tokenHash: Buffer }) {
    const result = await this.pool.query<{ workspace_id: string; token_id: string }>(
      'select workspace_id, token_id from auth_find_refresh_token($1)',
      [options.tokenHash],
    );
    const row = result.rows[0];
    return row === undefined ? undefined : { workspaceId: row.workspace_id, tokenId: row.token_id };
  }

  async getForUpdate(client: TenantClient, options: { id: string }) {
    const result = await client.query<RefreshTokenRow>(`select ${columns} from refresh_tokens where id = $1 for update`, [
      options.id,
    ]);
    return result.rows[0];
  }

  async get(client: TenantClient, options: { id: string }) {
    const result = await client.query<RefreshTokenRow>(`select ${columns} from refresh_tokens where id = $1`, [options.id]);
    return result.rows[0];
  }

  async insert(client: TenantClient, token: { id: string; familyId: string; userId: string; tokenHash: Buffer; expiresAt: Date }) {
    await client.query(
      `insert into refresh_tokens (workspace_id, id, family_id, user_id, token_hash, expires_at)
       values (app_current_tenant(), $1, $2, $3, $4, $5)`,
      [token.id, token.familyId, token.userId, token.tokenHash, token.expiresAt],
    );
  }

  async markUsed(client: TenantClient, options: { id: string; replacedBy: string }) {
    await client.query('update refresh_tokens set used_at = now(), replaced_by = $2 where id = $1', [
      options.id,
      options.replacedBy,
    ]);
  }

  async revokeFamily(client: TenantClient, options: { familyId: string }) {
    const result = await client.query(
      'update refresh_tokens set revoked_at = now() where family_id = $1 and revoked_at is null',
      [options.familyId],
    );
    return result.rowCount ?? 0;
  }
}
