import type { Pool } from 'pg';
import { withTenant, type TenantClient } from '../db/with-tenant.js';
import type { Logger } from '../log/create-logger.js';
import type { ClaimedJob, JobContext, JobEffect, JobHandler, JobOutcome } from './job.js';
import { markFailed, markSucceeded, releaseLease, renewLease, retryOrBury, storeResult, type JobLease } from './job-lease.js';

const leaseLostCode = 'job_lease_lost';

/** Thrown by `complete` and `fail` when the job is no longer this worker's; classified by its code. */
export class JobLeaseLostError extends Error {
  override readonly name = 'JobLeaseLostError';
  readonly code = leaseLostCode;
}

export function isJobLeaseLost(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === leaseLostCode;
}

export interface RunJobOptions {
  readonly pool: Pool;
  readonly logger: Logger;
  readonly job: ClaimedJob;
  readonly workerId: string;
  readonly handler: JobHandler;
  readonly leaseMs: number;
  /** Wait before the next attempt after this one failed. */
  readonly backoffMs: number;
  /** Aborts when the worker stops past its deadline: the job is given back. */
  readonly signal: AbortSignal;
}

/**
 * Runs one attempt of a claimed job: the handler, with its lease renewed every third of
 * the lease while it works, then the outcome written under the lease (succeeded and the
 * effect in one transaction; retried after a backoff or dead; failed; given back).
 */
export async function runJob(options: RunJobOptions): Promise<JobOutcome> {
  const { pool, job, leaseMs } = options;
  const lease: JobLease = { jobId: job.id, workerId: options.workerId, attempt: job.attempt };
  const underLease = <R>(fn: (client: TenantClient) => Promise<R>) => withTenant(pool, job.workspaceId, fn);
  const lost = new AbortController();
  let settled: JobOutcome | undefined;

  const renewal = setInterval(() => {
    underLease((client) => renewLease(client, lease, leaseMs)).then(
      (kept) => {
        if (!kept && settled === undefined) lost.abort();
      },
      // The database is unreachable: the next renewal tries again before the lease lapses.
      (error: unknown) => options.logger.warn({ err: error, job_id: job.id }, 'could not renew a job lease'),
    );
  }, Math.max(1, Math.floor(leaseMs / 3)));

  const context: JobContext = {
    signal: AbortSignal.any([options.signal, lost.signal]),
    async complete(effect?: JobEffect) {
      if (settled !== undefined) throw new Error(`job ${job.id} was already ${settled}`);
      await underLease(async (client) => {
        if (!(await markSucceeded(client, lease))) throw new JobLeaseLostError(`job ${job.id} is no longer held by this worker`);
        const result = effect === undefined ? undefined : await effect(client);
        if (result !== undefined) await storeResult(client, job.id, result);
      });
      settled = 'succeeded';
    },
    async fail(reason: string) {
      if (settled !== undefined) throw new Error(`job ${job.id} was already ${settled}`);
      if (!(await underLease((client) => markFailed(client, lease, reason)))) {
        throw new JobLeaseLostError(`job ${job.id} is no longer held by this worker`);
      }
      settled = 'failed';
    },
  };

  try {
    await options.handler(job, context);
    if (settled === undefined) await context.complete();
    return settled ?? 'succeeded';
  } catch (error) {
    if (settled !== undefined) {
      options.logger.warn({ err: error, job_id: job.id }, 'job handler threw after its job was settled');
      return settled;
    }
    if (isJobLeaseLost(error) || lost.signal.aborted) return 'lease_lost';
    if (options.signal.aborted) {
      return (await underLease((client) => releaseLease(client, lease))) ? 'released' : 'lease_lost';
    }
    options.logger.warn({ err: error, job_id: job.id, workspace_id: job.workspaceId, kind: job.kind, attempt: job.attempt }, 'job attempt failed');
    const next = await underLease((client) => retryOrBury(client, lease, options.backoffMs));
    return next === undefined ? 'lease_lost' : next === 'queued' ? 'retried' : 'dead';
  } finally {
    clearInterval(renewal);
  }
}
