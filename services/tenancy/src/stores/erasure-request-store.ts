import type { TenantClient } from '@causeloop/platform/db';

export type ErasureStatusName = 'pending' | 'rejected' | 'completed';

export interface ErasureRequestRow {
  readonly id: string;
  readonly subject_id: string;
  readonly status: ErasureStatusName;
  readonly requested_by: string;
  readonly decided_by: string | null;
  readonly created_at: Date;
  readonly decided_at: Date | null;
  readonly certificate_payload: string | null;
  readonly certificate_signature: string | null;
  readonly certificate_key_id: string | null;
}

const columns =
  'id, subject_id, status, requested_by, decided_by, created_at, decided_at, certificate_payload, certificate_signature, certificate_key_id';

/** erasure_requests of the current tenant, always inside the caller's withTenant. */
export interface ErasureRequestStore {
  /** Whether the user is (or was) a member of the workspace: only members can be erased. */
  isMember(client: TenantClient, userId: string): Promise<boolean>;
  create(client: TenantClient, request: { id: string; subjectId: string; requestedBy: string }): Promise<ErasureRequestRow>;
  get(client: TenantClient, id: string, options?: { forUpdate?: boolean }): Promise<ErasureRequestRow | undefined>;
  /** Closes a pending request; undefined when it is no longer pending. */
  reject(client: TenantClient, id: string, decidedBy: string): Promise<ErasureRequestRow | undefined>;
  /** Runs the owner-side erasure (0014); returns its per-table counts. */
  erase(client: TenantClient, id: string, approver: string): Promise<Record<string, number>>;
  attachCertificate(
    client: TenantClient,
    id: string,
    certificate: { payload: string; signature: string; keyId: string },
  ): Promise<ErasureRequestRow>;
}

export class PgErasureRequestStore implements ErasureRequestStore {
  async isMember(client: TenantClient, userId: string): Promise<boolean> {
    const result = await client.query('select 1 from workspace_members where user_id = $1', [userId]);
    return result.rowCount === 1;
  }

  async create(client: TenantClient, request: { id: string; subjectId: string; requestedBy: string }): Promise<ErasureRequestRow> {
    const result = await client.query<ErasureRequestRow>(
      `insert into erasure_requests (workspace_id, id, subject_id, requested_by)
       values (app_current_tenant(), $1, $2, $3) returning ${columns}`,
      [request.id, request.subjectId, request.requestedBy],
    );
    return result.rows[0]!;
  }

  async get(client: TenantClient, id: string, options: { forUpdate?: boolean } = {}): Promise<ErasureRequestRow | undefined> {
    const result = await client.query<ErasureRequestRow>(
      `select ${columns} from erasure_requests where id = $1${options.forUpdate === true ? ' for update' : ''}`,
      [id],
    );
    return result.rows[0];
  }

  async reject(client: TenantClient, id: string, decidedBy: string): Promise<ErasureRequestRow | undefined> {
    const result = await client.query<ErasureRequestRow>(
      `update erasure_requests set status = 'rejected', decided_by = $2, decided_at = now()
        where id = $1 and status = 'pending' returning ${columns}`,
      [id, decidedBy],
    );
    return result.rows[0];
  }

  /** Runs the owner-side erasure (0014); returns its per-table counts. */
  async erase(client: TenantClient, id: string, approver: string): Promise<Record<string, number>> {
    const result = await client.query<{ counts: Record<string, number> }>(
      'select governance_erase_subject($1, $2) as counts',
      [id, approver],
    );
    return result.rows[0]!.counts;
  }

  async attachCertificate(
    client: TenantClient,
    id: string,
    certificate: { payload: string; signature: string; keyId: string },
  ): Promise<ErasureRequestRow> {
    const result = await client.query<ErasureRequestRow>(
      `update erasure_requests set certificate_payload = $2, certificate_signature = $3, certificate_key_id = $4
        where id = $1 returning ${columns}`,
      [id, certificate.payload, certificate.signature, certificate.keyId],
    );
    return result.rows[0]!;
  }
}
