import type { TenantClient } from '../db/with-tenant.js';
import type { JobStatus } from './job.js';

export interface JobRow {
  readonly id: string;
  readonly kind: string;
  readonly status: JobStatus;
  readonly attempts: number;
  readonly max_attempts: number;
  readonly run_after: Date;
  readonly lease_expires_at: Date | null;
  readonly last_error: string | null;
  readonly result: unknown;
  readonly created_at: Date;
  readonly updated_at: Date;
  readonly finished_at: Date | null;
}

/** The columns of a JobRow: the API's view of a job (no payload, no worker name). */
export const jobRowColumns = 'id, kind, status, attempts, max_attempts, run_after, lease_expires_at, last_error, result, created_at, updated_at, finished_at';

/** One job of the current tenant; undefined when RLS hides it or it does not exist. */
export async function readJob(client: TenantClient, id: string): Promise<JobRow | undefined> {
  const result = await client.query<JobRow>(
    `select ${jobRowColumns} from jobs where id = $1`,
    [id],
  );
  return result.rows[0];
}
