import type { TenantClient } from '@causeloop/platform/db';

export type PlanName = 'free' | 'starter' | 'growth' | 'enterprise';
export type OrganizationStatusName = 'active' | 'suspended';

export interface OrganizationRow {
  readonly organization_id: string;
  readonly first_workspace_id: string;
  readonly request_fingerprint: Buffer;
  readonly slug: string;
  readonly name: string;
  readonly plan: PlanName;
  readonly seats: number;
  readonly status: OrganizationStatusName;
  readonly created_at: Date;
}

export interface OrganizationClaim {
  readonly id: string;
  readonly slug: string;
  readonly name: string;
  readonly plan: PlanName;
  readonly seats: number;
  readonly status: OrganizationStatusName;
  readonly firstWorkspaceId: string;
  readonly fingerprint: Buffer;
}

/** Organizations are global: the app role reaches them only through tenancy_claim_organization. */
export interface OrganizationStore {
  /** Inserts the organization when its slug is free; returns whoever holds the slug now. */
  claim(client: TenantClient, claim: OrganizationClaim): Promise<OrganizationRow>;
}

export class PgOrganizationStore implements OrganizationStore {
  async claim(client: TenantClient, claim: OrganizationClaim): Promise<OrganizationRow> {
    const result = await client.query<OrganizationRow>(
      `select * from tenancy_claim_organization($1, $2, $3, $4, $5, $6, $7, $8)`,
      [claim.id, claim.slug, claim.name, claim.plan, claim.seats, claim.status, claim.firstWorkspaceId, claim.fingerprint],
    );
    const row = result.rows[0];
    if (row === undefined) throw new Error('tenancy_claim_organization returned no row');
    return row;
  }
}
