import type { TenantClient } from '../db/with-tenant.js';

/** One row of `workspace_keys`: a DEK as the crypto service wrapped it. */
export interface WorkspaceKey {
  readonly workspaceId: string;
  readonly dekVersion: number;
  readonly wrappedKey: Buffer;
  readonly kekVersion: number;
  readonly createdAt: Date;
  readonly rewrappedAt: Date | null;
}

/**
 * `workspace_keys`, always read and written through the caller's tenant client, so
 * Row-Level Security decides which workspace's keys are visible: another workspace's row
 * is simply absent.
 */
export interface WorkspaceKeyStore {
  /** Inserts unless the version exists (a concurrent writer won); true when this call inserted. */
  insertIfAbsent(
    client: TenantClient,
    options: { workspaceId: string; dekVersion: number; wrappedKey: Uint8Array; kekVersion: number },
  ): Promise<boolean>;
  get(client: TenantClient, options: { workspaceId: string; dekVersion: number }): Promise<WorkspaceKey | undefined>;
  /** The highest DEK version of the workspace, the one new values are sealed with. */
  newest(client: TenantClient, options: { workspaceId: string }): Promise<WorkspaceKey | undefined>;
}

interface WorkspaceKeyRow {
  readonly workspace_id: string;
  readonly dek_version: number;
  readonly wrapped_key: Buffer;
  readonly kek_version: number;
  readonly created_at: Date;
  readonly rewrapped_at: Date | null;
}

const columns = 'workspace_id, dek_version, wrapped_key, kek_version, created_at, rewrapped_at';

export class PgWorkspaceKeyStore implements WorkspaceKeyStore {
  async insertIfAbsent(
    client: TenantClient,
    options: { workspaceId: string; dekVersion: number; wrappedKey: Uint8Array; kekVersion: number },
  ): Promise<boolean> {
    const result = await client.query(
      `insert into workspace_keys (workspace_id, dek_version, wrapped_key, kek_version)
       values ($1, $2, $3, $4)
       on conflict (workspace_id, dek_version) do nothing`,
      [options.workspaceId, options.dekVersion, Buffer.from(options.wrappedKey), options.kekVersion],
    );
    return result.rowCount === 1;
  }

  async get(client: TenantClient, options: { workspaceId: string; dekVersion: number }): Promise<WorkspaceKey | undefined> {
    const result = await client.query<WorkspaceKeyRow>(
      `select ${columns} from workspace_keys where workspace_id = $1 and dek_version = $2`,
      [options.workspaceId, options.dekVersion],
    );
    return toWorkspaceKey(result.rows[0]);
  }

  async newest(client: TenantClient, options: { workspaceId: string }): Promise<WorkspaceKey | undefined> {
    const result = await client.query<WorkspaceKeyRow>(
      `select ${columns} from workspace_keys where workspace_id = $1 order by dek_version desc limit 1`,
      [options.workspaceId],
    );
    return toWorkspaceKey(result.rows[0]);
  }
}

function toWorkspaceKey(row: WorkspaceKeyRow | undefined): WorkspaceKey | undefined {
  if (row === undefined) return undefined;
  return {
    workspaceId: row.workspace_id,
    dekVersion: row.dek_version,
    wrappedKey: row.wrapped_key,
    kekVersion: row.kek_version,
    createdAt: row.created_at,
    rewrappedAt: row.rewrapped_at,
  };
}
