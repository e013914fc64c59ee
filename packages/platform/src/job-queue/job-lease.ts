import type { TenantClient } from '../db/with-tenant.js';

/** A worker's hold on one attempt of a job: every write it makes is fenced by all three. */
export interface JobLease {
  readonly jobId: string;
  readonly workerId: string;
  readonly attempt: number;
}

const held = `id = $1 and leased_by = $2 and attempts = $3 and status = 'running'`;
const leaseValues = (lease: JobLease) => [lease.jobId, lease.workerId, lease.attempt];

// The lease-fenced writes of the job queue, each in the caller's withTenant transaction.
// false (or undefined) means the lease was lost: another worker holds the job, or it ended.

/** Marks the attempt succeeded, locking the row for the rest of the transaction (the effect runs after). */
export async function markSucceeded(client: TenantClient, lease: JobLease): Promise<boolean> {
  const result = await client.query(
    `update jobs set status = 'succeeded', finished_at = now(), updated_at = now(), leased_by = null, lease_expires_at = null
      where ${held}`,
    leaseValues(lease),
  );
  return result.rowCount === 1;
}

/** Stores the effect's JSON value; runs after markSucceeded in the same transaction. */
export async function storeResult(client: TenantClient, jobId: string, result: unknown): Promise<void> {
  await client.query(`update jobs set result = $2::jsonb where id = $1`, [jobId, JSON.stringify(result)]);
}

/** Moves the lease (and so the next claimable time) to now() + leaseMs. */
export async function renewLease(client: TenantClient, lease: JobLease, leaseMs: number): Promise<boolean> {
  const result = await client.query(
    `update jobs set lease_expires_at = now() + $4 * interval '1 millisecond', run_after = now() + $4 * interval '1 millisecond',
            updated_at = now()
      where ${held}`,
    [...leaseValues(lease), leaseMs],
  );
  return result.rowCount === 1;
}

/**
 * A failed attempt: queued again after `backoffMs`, or dead when it was the last. The error
 * stored is generic (API callers read it); the cause stays in the worker's log.
 */
export async function retryOrBury(client: TenantClient, lease: JobLease, backoffMs: number): Promise<'queued' | 'dead' | undefined> {
  const result = await client.query<{ status: 'queued' | 'dead' }>(
    `update jobs
        set status = case when attempts >= max_attempts then 'dead' else 'queued' end,
            run_after = case when attempts >= max_attempts then now() else now() + $4 * interval '1 millisecond' end,
            last_error = case when attempts >= max_attempts then 'gave up after ' || attempts || ' attempts'
                              else 'attempt ' || attempts || ' failed' end,
            finished_at = case when attempts >= max_attempts then now() end,
            leased_by = null, lease_expires_at = null, updated_at = now()
      where ${held}
      returning status`,
    [...leaseValues(lease), backoffMs],
  );
  return result.rows[0]?.status;
}

/** The handler gave up for good: failed, with its (generic) reason. */
export async function markFailed(client: TenantClient, lease: JobLease, reason: string): Promise<boolean> {
  const result = await client.query(
    `update jobs set status = 'failed', last_error = $4, finished_at = now(), updated_at = now(), leased_by = null, lease_expires_at = null
      where ${held}`,
    [...leaseValues(lease), reason.slice(0, 500)],
  );
  return result.rowCount === 1;
}

/**
 * Gives the job back unfinished at shutdown, claimable at once. The attempt is not counted:
 * a rolling deploy should not move a job toward dead.
 */
export async function releaseLease(client: TenantClient, lease: JobLease): Promise<boolean> {
  const result = await client.query(
    `update jobs set status = 'queued', attempts = attempts - 1, run_after = now(), updated_at = now(),
            leased_by = null, lease_expires_at = null
      where ${held}`,
    leaseValues(lease),
  );
  return result.rowCount === 1;
}
