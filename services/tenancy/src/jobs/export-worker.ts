import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Pool } from 'pg';
import type { Logger } from '@causeloop/platform/log';
import { withTenant } from '@causeloop/platform/db';
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
 * The in-process export worker every tenancy replica runs. Jobs are claimed through
 * governance_claim_export_job (FOR UPDATE SKIP LOCKED, leases), so replicas share the work,
 * never run one job twice at once, and a job whose worker died is retried once its lease
 * expires. No state lives here: stopping mid-job loses only that attempt.
 */
export function createExportWorker(options: ExportWorkerOptions): ExportWorker {
  const leaseMs = options.leaseMs ?? 60_000;
  const pollIntervalMs = options.pollIntervalMs ?? 2_000;
  const maxAttempts = options.maxAttempts ?? 3;
  const partLimits = options.partLimits ?? { rows: 1_000, bytes: 1024 * 1024 };
  const workerId = `${hostname()}/${process.pid}/${randomBytes(4).toString('hex')}`;
  const { jobs } = options;
  const logger = options.logger.child({ component: 'export-worker', worker_id: workerId });
  const stopping = new AbortController();
  let wakeUp: (() => void) | undefined;
  let loop: Promise<void> | undefined;

  const idle = () =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(done, pollIntervalMs);
      function done(): void {
        clearTimeout(timer);
        stopping.signal.removeEventListener('abort', done);
        wakeUp = undefined;
        resolve();
      }
      wakeUp = done;
      stopping.signal.addEventListener('abort', done, { once: true });
    });

  const claim = async (): Promise<{ workspaceId: string; lease: ExportLease } | undefined> => {
    const result = await options.pool.query<{ workspace_id: string; job_id: string; attempt: number }>(
      `select workspace_id, job_id, attempt from governance_claim_export_job($1, $2 * interval '1 millisecond', $3)`,
      [workerId, leaseMs, maxAttempts],
    );
    const row = result.rows[0];
    return row === undefined ? undefined : { workspaceId: row.workspace_id, lease: { jobId: row.job_id, workerId, attempt: row.attempt } };
  };

  const work = async (claimed: { workspaceId: string; lease: ExportLease }): Promise<void> => {
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
        signal: stopping.signal,
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
        jobs.release(client, lease, stopping.signal.aborted ? 'interrupted by shutdown' : `attempt ${lease.attempt} failed`),
      ).catch((releaseError: unknown) => jobLog.warn({ err: releaseError }, 'could not release the export job; its lease will lapse'));
    }
  };

  const run = async (): Promise<void> => {
    while (!stopping.signal.aborted) {
      let claimed: Awaited<ReturnType<typeof claim>>;
      try {
        claimed = await claim();
      } catch (error) {
        logger.warn({ err: error }, 'could not look for export jobs');
        claimed = undefined;
      }
      if (claimed === undefined) await idle();
      else await work(claimed);
    }
  };

  return {
    workerId,
    start() {
      loop ??= run();
    },
    wake() {
      wakeUp?.();
    },
    async stop() {
      stopping.abort();
      await loop;
    },
  };
}
