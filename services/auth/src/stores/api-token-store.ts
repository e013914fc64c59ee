import type { Pool } from 'pg';
import type { TenantClient } from '@causeloop/platform/db';
import type { ApiTokenKind } from '@causeloop/platform/identity';

export interface ApiTokenRow {
  readonly workspace_id: string;
  readonly id: string;
  readonly kind: ApiTokenKind;
  readonly user_id: string | null;
  readonly service_account_id: string | null;
  readonly name: string;
  readonly display_prefix: string;
  readonly scopes: string[];
  readonly created_at: Date;
  readonly expires_at: Date | null;
  readonly last_used_at: Date | null;
  readonly revoked_at: Date | null;
}

/** A token with what Authenticate needs about its owner, read in one statement. */
export interface ApiTokenForAuthentication extends ApiTokenRow {
  /** PATs: the owner's role while their membership is active, else null. */
  readonly member_role: string | null;
  readonly member_name: string | null;
  /** SA tokens: the account's role and name while it is not deleted, else null. */
  readonly account_role: string | null;
  readonly account_name: string | null;
}

export interface NewApiToken {
  readonly id: string;
  readonly kind: ApiTokenKind;
  readonly userId?: string;
  readonly serviceAccountId?: string;
  readonly name: string;
  readonly tokenHash: Buffer;
  readonly displayPrefix: string;
  readonly scopes: readonly string[];
  readonly expiresAt: Date | undefined;
}

/** The owner of a token: a user (PAT) or a service account (SA token). */
export type TokenOwner = { readonly userId: string } | { readonly serviceAccountId: string };

const columns = `workspace_id, id, kind, user_id, service_account_id, name, display_prefix, scopes,
                 created_at, expires_at, last_used_at, revoked_at`;

/**
 * API tokens (clp_pat_, clp_sa_), stored as SHA-256 hashes only. `findByHash` is the one
 * cross-tenant read (a SECURITY DEFINER function returning ids); everything else runs
 * inside withTenant of the token's workspace.
 */
export interface ApiTokenStore {
  findByHash(options: { tokenHash: Buffer }): Promise<{ workspaceId: string; tokenId: string } | undefined>;
  get(client: TenantClient, options: { id: string }): Promise<ApiTokenRow | undefined>;
  /** The token joined with its owner's live membership or account (one round trip). */
  getForAuthentication(client: TenantClient, options: { id: string }): Promise<ApiTokenForAuthentication | undefined>;
  insert(client: TenantClient, token: NewApiToken): Promise<ApiTokenRow>;
  list(client: TenantClient, options: { owner: TokenOwner; afterId: string | undefined; limit: number }): Promise<ApiTokenRow[]>;
  /** New secret for a live token of `owner`; the old hash is overwritten, so it dies at once. */
  replaceSecret(
    client: TenantClient,
    options: { id: string; owner: TokenOwner; tokenHash: Buffer; displayPrefix: string },
  ): Promise<ApiTokenRow | undefined>;
  /** Revokes a token of `owner` (idempotent: a revoked token is returned as it is). */
  revoke(client: TenantClient, options: { id: string; owner: TokenOwner }): Promise<ApiTokenRow | undefined>;
  /** Records use, at most once a minute per token, so hot tokens do not write on every call. */
  touch(client: TenantClient, options: { id: string }): Promise<void>;
}

function ownerClause(owner: TokenOwner, parameter: number): { sql: string; value: string } {
  return 'userId' in owner
    ? { sql: `kind = 'personal_access' and user_id = $${parameter}`, value: owner.userId }
    : { sql: `kind = 'service_account' and service_account_id = $${parameter}`, value: owner.serviceAccountId };
}

export class PgApiTokenStore implements ApiTokenStore {
  constructor(private readonly pool: Pool) {}

  async findByHash(options: { tokenHash: Buffer }) {
    const result = await this.pool.query<{ workspace_id: string; token_id: string }>(
      'select workspace_id, token_id from auth_find_api_token($1)',
      [options.tokenHash],
    );
    const row = result.rows[0];
    return row === undefined ? undefined : { workspaceId: row.workspace_id, tokenId: row.token_id };
  }

  async get(client: TenantClient, options: { id: string }) {
    const result = await client.query<ApiTokenRow>(`select ${columns} from api_tokens where id = $1`, [options.id]);
    return result.rows[0];
  }

  async getForAuthentication(client: TenantClient, options: { id: string }) {
    const result = await client.query<ApiTokenForAuthentication>(
      `select t.workspace_id, t.id, t.kind, t.user_id, t.service_account_id, t.name, t.display_prefix, t.scopes,
              t.created_at, t.expires_at, t.last_used_at, t.revoked_at,
              m.role as member_role,
              case when m.role is not null then auth_member_display_name(t.user_id) end as member_name,
              s.role as account_role, s.name as account_name
       from api_tokens t
       left join workspace_members m
         on m.workspace_id = t.workspace_id and m.user_id = t.user_id and m.status = 'active'
       left join service_accounts s
         on s.workspace_id = t.workspace_id and s.id = t.service_account_id and s.deleted_at is null
       where t.id = $1`,
      [options.id],
    );
    return result.rows[0];
  }

  async insert(client: TenantClient, token: NewApiToken) {
    const result = await client.query<ApiTokenRow>(
      `insert into api_tokens (workspace_id, id, kind, user_id, service_account_id, name, token_hash, display_prefix, scopes, expires_at)
       values (app_current_tenant(), $1, $2, $3, $4, $5, $6, $7, $8, $9)
       returning ${columns}`,
      [
        token.id,
        token.kind,
        token.userId ?? null,
        token.serviceAccountId ?? null,
        token.name,
        token.tokenHash,
        token.displayPrefix,
        [...token.scopes],
        token.expiresAt ?? null,
      ],
    );
    return result.rows[0]!;
  }

  async list(client: TenantClient, options: { owner: TokenOwner; afterId: string | undefined; limit: number }) {
    const owner = ownerClause(options.owner, 1);
    const result = await client.query<ApiTokenRow>(
      `select ${columns} from api_tokens
       where ${owner.sql} and ($2::uuid is null or id > $2::uuid)
       order by id limit $3`,
      [owner.value, options.afterId ?? null, options.limit],
    );
    return result.rows;
  }

  async replaceSecret(client: TenantClient, options: { id: string; owner: TokenOwner; tokenHash: Buffer; displayPrefix: string }) {
    const owner = ownerClause(options.owner, 2);
    const result = await client.query<ApiTokenRow>(
      `update api_tokens set token_hash = $3, display_prefix = $4, last_used_at = null
       where id = $1 and ${owner.sql} and revoked_at is null and (expires_at is null or expires_at > now())
       returning ${columns}`,
      [options.id, owner.value, options.tokenHash, options.displayPrefix],
    );
    return result.rows[0];
  }

  async revoke(client: TenantClient, options: { id: string; owner: TokenOwner }) {
    const owner = ownerClause(options.owner, 2);
    const result = await client.query<ApiTokenRow>(
      `update api_tokens set revoked_at = coalesce(revoked_at, now())
       where id = $1 and ${owner.sql}
       returning ${columns}`,
      [options.id, owner.value],
    );
    return result.rows[0];
  }

  async touch(client: TenantClient, options: { id: string }) {
    await client.query(
      `update api_tokens set last_used_at = now()
       where id = $1 and (last_used_at is null or last_used_at < now() - interval '1 minute')`,
      [options.id],
    );
  }
}
