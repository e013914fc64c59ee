import type { Pool } from 'pg';
import { withTenant } from '@causeloop/platform/db';
import { createPollingWorker, createWorkerId } from '@causeloop/platform/job-queue';
import type { Logger } from '@causeloop/platform/log';
import type { ExportJobStore, ExportLease } from '../stores/export-job-store.js';
import { LostLeaseError, runExportJob, type ExportProgress, type PartLimits } from './run-export-job.js';

export interface ExportWorkerOptions {
  readonly pool: Pool;
  readonly logger: Logger;
  readonly jobs: ExportJobStore;
  /** How long a claim lasts without renewal (each part renews it); a crashed worker's job is retried after it. */
  readonly leaseMs?: number;
  /** Idle wait between looks for work. */
  readonly pollIntervalMs?: number;
  /** Attempts before a job is failed for good. */
  readonly maxAttempts?: number;
  readonly partLimits?: PartLimits;
  readonly onPart?: (progress: ExportProgress) => Promise<void> | void;
}

interface ClaimedExport {
  readonly workspaceId: string;
  readonly lease: ExportLease;
}

export interface ExportWorker {
  /** Starts the loop (once). */
  start(): void;
  /** Looks for work now instead of after the idle wait (a job was just queued here). */
  wake(): void;
  /** Stops claiming, abandons the running job (its lease lapses, another worker retries) and waits for the loop. */
  stop(): Promise<void>;
  readonly workerId: string;
}

/**
 * The in-process export worker every tenancy replica runs, on the platform's polling loop
 * (the job queue's). Jobs are claimed through governance_claim_export_job (FOR UPDATE SKIP
 * LOCKED, leases), so replicas share the work, never run one job twice at once, and a job
 * whose worker died is retried once its lease expires. No state lives here: stopping
 * mid-job loses only that attempt.
 *
 * Exports keep their own table and claim rather than the generic `jobs` queue: an export's
 * result is a series of parts each committed with progress under a renewed lease (not one
 * effect committed with the completion), a retry must drop the parts of the lost attempt
 * inside the claim, and its rows carry what the export API shows (rows, parts, expiry).
 */
export function createExportWorker(options: ExportWorkerOptions): ExportWorker {
  const leaseMs = options.leaseMs ?? 60_000;
  const maxAttempts = options.maxAttempts ?? 3;
  const partLimits = options.partLimits ?? { rows: 1_000, bytes: 1024 * 1024 };
  const { jobs } = options;
  const workerId = createWorkerId();
  const logger = options.logger.child({ component: 'export-worker', worker_id: workerId });

  const claim = async (): Promise<ClaimedExport[]> => {
    const result = await options.pool.query<{ workspace_id: string; job_id: string; attempt: number }>(
      `select workspace_id, job_id, attempt from governance_claim_export_job($1, $2 * interval '1 millisecond', $3)`,
      [workerId, leaseMs, maxAttempts],
    );
    return result.rows.map((row) => ({ workspaceId: row.workspace_id, lease: { jobId: row.job_id, workerId, attempt: row.attempt } }));
  };

  const work = async (claimed: ClaimedExport, signal: AbortSignal): Promise<void> => {
    const { workspaceId, lease } = claimed;
    const jobLog = logger.child({ workspace_id: workspaceId, job_id: lease.jobId, attempt: lease.attempt });
    jobLog.info('export job started');
    try {
      const done = await runExportJob({
        pool: options.pool,
        jobs,
        workspaceId,
        lease,
        leaseMs,
        partLimits,
        signal,
        onPart: options.onPart,
      });
      jobLog.info({ rows: done.rowsDone, parts: done.parts }, 'export job succeeded');
    } catch (error) {
      if (error instanceof LostLeaseError) {
        jobLog.warn('export job lease lost; another worker holds it now');
        return;
      }
      jobLog.error({ err: error }, 'export job attempt failed');
      // Only a generic reason is stored: the job's error is shown to API callers.
      await withTenant(options.pool, workspaceId, (client) =>
        jobs.release(client, lease, signal.aborted ? 'interrupted by shutdown' : `attempt ${lease.attempt} failed`),
      ).catch((releaseError: unknown) => jobLog.warn({ err: releaseError }, 'could not release the export job; its lease will lapse'));
    }
  };

  // One export at a time per replica: an export reads a whole workspace.
  const polling = createPollingWorker<ClaimedExport>({
    name: 'export worker',
    logger: options.logger,
    workerId,
    concurrency: 1,
    pollIntervalMs: options.pollIntervalMs ?? 2_000,
    claim,
    work,
  });
  return {
    workerId,
    start: () => polling.start(),
    wake: () => polling.wake(),
    // No deadline: the running export is abandoned at once (its lease lapses, another worker retries).
    stop: () => polling.stop(),
  };
}
