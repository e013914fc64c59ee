import { uuidv7 } from 'uuidv7';
import type { TenantClient } from '../db/with-tenant.js';
import { jobRowColumns, type JobRow } from './read-job.js';

export interface NewJob {
  /** The workspace of the withTenant call; row-level security refuses any other. */
  readonly workspaceId: string;
  /** A kind some service registered a handler for. */
  readonly kind: string;
  /** JSON; the handler gets it back as `job.payload`. */
  readonly payload?: unknown;
  /** Attempts before the job is dead (1 to 100; 5 when omitted). */
  readonly maxAttempts?: number;
  /** Not before this time (now when omitted). */
  readonly runAfter?: Date;
}

/**
 * Queues a job inside the caller's withTenant transaction, so it commits (or rolls back)
 * with the change that asked for it. Returns the job as `readJob` would, for an API answer
 * (`GET /v1/jobs/{id}`). Call the worker's `wake()` after the commit to start it without
 * waiting for a poll.
 */
export async function enqueueJob(client: TenantClient, job: NewJob): Promise<JobRow> {
  const result = await client.query<JobRow>(
    `insert into jobs (workspace_id, id, kind, payload, max_attempts, run_after)
     values ($1, $2, $3, $4::jsonb, coalesce($5::integer, 5), coalesce($6::timestamptz, now()))
     returning ${jobRowColumns}`,
    [job.workspaceId, uuidv7(), job.kind, JSON.stringify(job.payload ?? {}), job.maxAttempts ?? null, job.runAfter ?? null],
  );
  return result.rows[0]!;
}
