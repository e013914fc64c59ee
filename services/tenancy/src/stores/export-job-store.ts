import type { TenantClient } from '@causeloop/platform/db';

export type ExportJobStatusName = 'queued' | 'running' | 'succeeded' | 'failed';

export interface ExportJobRow {
  readonly id: string;
  readonly status: ExportJobStatusName;
  readonly requested_by: string;
  readonly rows_done: string;
  readonly rows_total: string;
  readonly parts: number;
  readonly attempts: number;
  readonly error: string | null;
  readonly created_at: Date;
  readonly finished_at: Date | null;
  readonly expires_at: Date;
}

/** The worker's hold on a job: every write it makes is fenced by these. */
export interface ExportLease {
  readonly jobId: string;
  readonly workerId: string;
  readonly attempt: number;
}

const columns = 'id, status, requested_by, rows_done::text, rows_total::text, parts, attempts, error, created_at, finished_at, expires_at';

/** export_jobs and export_job_parts of the current tenant, always inside the caller's withTenant. */
export interface ExportJobStore {
  create(client: TenantClient, job: { id: string; requestedBy: string; expiresAt: Date }): Promise<ExportJobRow>;
  get(client: TenantClient, id: string): Promise<ExportJobRow | undefined>;
  part(client: TenantClient, jobId: string, part: number): Promise<string | undefined>;
  /** Records the total once known; false when the lease is no longer this worker's. */
  setTotal(client: TenantClient, lease: ExportLease, total: number, leaseMs: number): Promise<boolean>;
  /** Stores the next part and advances progress, renewing the lease; false when the lease was lost. */
  appendPart(
    client: TenantClient,
    lease: ExportLease,
    part: { index: number; rows: number; content: string },
    leaseMs: number,
  ): Promise<boolean>;
  succeed(client: TenantClient, lease: ExportLease): Promise<boolean>;
  /** Gives the job back at once: the next claim retries it, or fails it after the last attempt. */
  release(client: TenantClient, lease: ExportLease, error: string): Promise<void>;
}

export class PgExportJobStore implements ExportJobStore {
  async create(client: TenantClient, job: { id: string; requestedBy: string; expiresAt: Date }): Promise<ExportJobRow> {
    const result = await client.query<ExportJobRow>(
      `insert into export_jobs (workspace_id, id, requested_by, expires_at)
       values (app_current_tenant(), $1, $2, $3) returning ${columns}`,
      [job.id, job.requestedBy, job.expiresAt],
    );
    return result.rows[0]!;
  }

  async get(client: TenantClient, id: string): Promise<ExportJobRow | undefined> {
    const result = await client.query<ExportJobRow>(`select ${columns} from export_jobs where id = $1`, [id]);
    return result.rows[0];
  }

  async part(client: TenantClient, jobId: string, part: number): Promise<string | undefined> {
    const result = await client.query<{ content: string }>(
      'select content from export_job_parts where job_id = $1 and part = $2',
      [jobId, part],
    );
    return result.rows[0]?.content;
  }

  /** Records the total once known; false when the lease is no longer this worker's. */
  async setTotal(client: TenantClient, lease: ExportLease, total: number, leaseMs: number): Promise<boolean> {
    const result = await client.query(
      `update export_jobs set rows_total = $4, lease_expires_at = now() + $5 * interval '1 millisecond'
        where id = $1 and leased_by = $2 and attempts = $3 and status = 'running'`,
      [lease.jobId, lease.workerId, lease.attempt, total, leaseMs],
    );
    return result.rowCount === 1;
  }

  /**
   * Stores the next part and advances progress, renewing the lease, in the caller's
   * transaction; false (write nothing: the caller rolls back) when the lease was lost.
   */
  async appendPart(
    client: TenantClient,
    lease: ExportLease,
    part: { index: number; rows: number; content: string },
    leaseMs: number,
  ): Promise<boolean> {
    const progressed = await client.query(
      `update export_jobs
          set rows_done = rows_done + $4, parts = parts + 1, lease_expires_at = now() + $5 * interval '1 millisecond'
        where id = $1 and leased_by = $2 and attempts = $3 and status = 'running' and parts = $6`,
      [lease.jobId, lease.workerId, lease.attempt, part.rows, leaseMs, part.index],
    );
    if (progressed.rowCount !== 1) return false;
    await client.query(
      `insert into export_job_parts (workspace_id, job_id, part, row_count, content)
       values (app_current_tenant(), $1, $2, $3, $4)`,
      [lease.jobId, part.index, part.rows, part.content],
    );
    return true;
  }

  async succeed(client: TenantClient, lease: ExportLease): Promise<boolean> {
    const result = await client.query(
      `update export_jobs
          set status = 'succeeded', rows_total = rows_done, finished_at = now(), leased_by = null, lease_expires_at = null
        where id = $1 and leased_by = $2 and attempts = $3 and status = 'running'`,
      [lease.jobId, lease.workerId, lease.attempt],
    );
    return result.rowCount === 1;
  }

  /** Gives the job back at once: the next claim retries it, or fails it after the last attempt. */
  async release(client: TenantClient, lease: ExportLease, error: string): Promise<void> {
    await client.query(
      `update export_jobs set lease_expires_at = now() - interval '1 millisecond', error = $4
        where id = $1 and leased_by = $2 and attempts = $3 and status = 'running'`,
      [lease.jobId, lease.workerId, lease.attempt, error.slice(0, 500)],
    );
  }
}
