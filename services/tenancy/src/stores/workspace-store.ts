import type { TenantClient } from '@causeloop/platform/db';

export interface WorkspaceRow {
  readonly id: string;
  readonly organization_id: string | null;
  readonly name: string;
  readonly slug: string | null;
  readonly description: string;
  readonly timezone: string;
  readonly ai_auto_link: boolean;
  readonly ai_confidence_threshold: number;
  readonly ai_proof_window_days: number;
  readonly created_at: Date;
  readonly updated_at: Date;
}

export interface RetentionRow {
  readonly retention_issues_days: number;
  readonly retention_activity_days: number;
  readonly retention_audit_days: number;
  readonly retention_prompt_logs_days: number;
}

export interface WorkspacePatch {
  readonly name?: string | undefined;
  readonly slug?: string | undefined;
  readonly description?: string | undefined;
  readonly timezone?: string | undefined;
  readonly ai_auto_link?: boolean | undefined;
  readonly ai_confidence_threshold?: number | undefined;
  readonly ai_proof_window_days?: number | undefined;
}

export type RetentionPatch = { readonly [K in keyof RetentionRow]?: number | undefined };

export interface NewWorkspace {
  readonly id: string;
  readonly organizationId: string;
  readonly name: string;
  readonly slug: string;
}

/** The current tenant's workspace row (the tenant root); RLS shows no other. */
export interface WorkspaceStore {
  insert(client: TenantClient, workspace: NewWorkspace): Promise<WorkspaceRow>;
  get(client: TenantClient): Promise<WorkspaceRow | undefined>;
  /** Locks the row for the rest of the transaction, so before/after audit values are exact. */
  getForUpdate(client: TenantClient): Promise<WorkspaceRow | undefined>;
  update(client: TenantClient, patch: WorkspacePatch): Promise<WorkspaceRow>;
  getRetention(client: TenantClient, options?: { forUpdate?: boolean }): Promise<RetentionRow | undefined>;
  updateRetention(client: TenantClient, patch: RetentionPatch): Promise<RetentionRow>;
}

const workspaceColumns = `id, organization_id, name, slug, description, timezone, ai_auto_link,
  ai_confidence_threshold, ai_proof_window_days, created_at, updated_at`;
const retentionColumns = 'retention_issues_days, retention_activity_days, retention_audit_days, retention_prompt_logs_days';
const patchableColumns: readonly (keyof WorkspacePatch)[] = [
  'name',
  'slug',
  'description',
  'timezone',
  'ai_auto_link',
  'ai_confidence_threshold',
  'ai_proof_window_days',
];
const retentionKeys: readonly (keyof RetentionRow)[] = [
  'retention_issues_days',
  'retention_activity_days',
  'retention_audit_days',
  'retention_prompt_logs_days',
];

export class PgWorkspaceStore implements WorkspaceStore {
  async insert(client: TenantClient, workspace: NewWorkspace): Promise<WorkspaceRow> {
    const result = await client.query<WorkspaceRow>(
      `insert into workspaces (id, organization_id, name, slug) values ($1, $2, $3, $4) returning ${workspaceColumns}`,
      [workspace.id, workspace.organizationId, workspace.name, workspace.slug],
    );
    return result.rows[0]!;
  }

  async get(client: TenantClient): Promise<WorkspaceRow | undefined> {
    return (await client.query<WorkspaceRow>(`select ${workspaceColumns} from workspaces`)).rows[0];
  }

  async getForUpdate(client: TenantClient): Promise<WorkspaceRow | undefined> {
    return (await client.query<WorkspaceRow>(`select ${workspaceColumns} from workspaces for update`)).rows[0];
  }

  async update(client: TenantClient, patch: WorkspacePatch): Promise<WorkspaceRow> {
    const { sets, values } = assignments(patchableColumns, patch);
    const result = await client.query<WorkspaceRow>(
      `update workspaces set ${[...sets, 'updated_at = now()'].join(', ')} returning ${workspaceColumns}`,
      values,
    );
    return result.rows[0]!;
  }

  async getRetention(client: TenantClient, options: { forUpdate?: boolean } = {}): Promise<RetentionRow | undefined> {
    const lock = options.forUpdate === true ? ' for update' : '';
    return (await client.query<RetentionRow>(`select ${retentionColumns} from workspaces${lock}`)).rows[0];
  }

  async updateRetention(client: TenantClient, patch: RetentionPatch): Promise<RetentionRow> {
    const { sets, values } = assignments(retentionKeys, patch);
    const result = await client.query<RetentionRow>(
      `update workspaces set ${[...sets, 'updated_at = now()'].join(', ')} returning ${retentionColumns}`,
      values,
    );
    return result.rows[0]!;
  }
}

/** `column = $n` for each set key; column names come from the fixed lists above, never from input. */
function assignments<K extends string>(
  columns: readonly K[],
  patch: { readonly [P in K]?: unknown },
): { sets: string[]; values: unknown[] } {
  const sets: string[] = [];
  const values: unknown[] = [];
  for (const column of columns) {
    const value = patch[column];
    if (value === undefined) continue;
    values.push(value);
    sets.push(`${column} = $${values.length}`);
  }
  return { sets, values };
}
