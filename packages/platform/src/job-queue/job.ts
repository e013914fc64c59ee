import type { TenantClient } from '../db/with-tenant.js';

export type JobStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'dead';

/** A job as a worker claimed it: one attempt, leased to that worker. */
export interface ClaimedJob {
  readonly id: string;
  readonly workspaceId: string;
  readonly kind: string;
  /** The JSON given to enqueueJob; the handler checks its shape. */
  readonly payload: unknown;
  /** 1 on the first attempt. */
  readonly attempt: number;
}

/** The change a job makes, run in the same transaction that marks it succeeded; its JSON value (if any) is stored as the job's result. */
export type JobEffect = (client: TenantClient) => Promise<unknown>;

export interface JobContext {
  /** Aborts when the lease was lost (another worker has the job) or the worker stops past its deadline. */
  readonly signal: AbortSignal;
  /**
   * Marks the job succeeded and runs `effect`, in one withTenant transaction that first
   * checks the lease is still this worker's. A lost lease rolls back: no effect, and a
   * rejection the handler may let through. Call it last, after the slow work, which must run
   * outside any transaction. A handler that returns without calling it succeeds with no effect.
   */
  complete(effect?: JobEffect): Promise<void>;
  /**
   * Gives up for good (status failed, no further attempt) with `reason` as the job's
   * last_error, which API callers see: keep it generic. Throwing instead retries with backoff.
   */
  fail(reason: string): Promise<void>;
}

/** Works one job of its kind. A thrown error retries the job after a backoff, until it is dead. */
export type JobHandler = (job: ClaimedJob, context: JobContext) => Promise<void>;

/** How one attempt ended, as counted in causeloop_jobs_completed_total. */
export type JobOutcome = 'succeeded' | 'retried' | 'failed' | 'dead' | 'lease_lost' | 'released';
