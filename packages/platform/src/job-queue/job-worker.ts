import type { Pool } from 'pg';
import type { Logger } from '../log/create-logger.js';
import type { Registry } from '../metrics/create-metrics-registry.js';
import { metricCatalogue } from '../metrics/catalogue.js';
import { metric } from '../metrics/metric.js';
import type { ClaimedJob, JobHandler } from './job.js';
import { createPollingWorker, type PollingWorker } from './polling-worker.js';
import { exponentialBackoff, type RetryBackoff } from './retry-backoff.js';
import { runJob } from './run-job.js';

export interface JobWorkerOptions {
  /** The app-role pool: claims go through job_queue_claim, everything else through withTenant. */
  readonly pool: Pool;
  readonly logger: Logger;
  readonly registry: Registry;
  /** Handlers by job kind; only these kinds are claimed. None: the worker never polls. */
  readonly handlers: Readonly<Record<string, JobHandler>>;
  /** Jobs worked at once by this worker (10). */
  readonly concurrency?: number;
  /** Jobs claimed per call at most (10); a call never claims more than the free slots. */
  readonly batch?: number;
  /** How long a claim lasts unrenewed (30 s); a killed worker's jobs are redone after it. */
  readonly leaseMs?: number;
  /** Idle wait when the queue had nothing (1 s); `wake()` cuts it short. */
  readonly pollIntervalMs?: number;
  /** Jobs running at once per workspace across all workers (5), so one workspace cannot take every slot; null: no cap. */
  readonly workspaceCap?: number | null;
  /** Wait before the next attempt (1 s doubling up to 5 min). */
  readonly backoff?: RetryBackoff;
  /** How often the queue depth gauge is recounted (15 s); 0: never. */
  readonly depthIntervalMs?: number;
}

export interface JobWorker extends PollingWorker {
  /** The kinds it claims. */
  readonly kinds: readonly string[];
}

interface ClaimRow {
  readonly workspace_id: string;
  readonly job_id: string;
  readonly kind: string;
  readonly payload: unknown;
  readonly attempt: number;
  readonly status: 'running' | 'dead';
}

/**
 * The job queue's worker (DESIGN §4: no runtime-owned schema, one narrow claim function).
 * Any number of processes run one; job_queue_claim shares jobs out with FOR UPDATE SKIP
 * LOCKED and leases, so each attempt runs in one worker and a job whose worker died runs
 * again once its lease lapses. Exactly once holds for the effect: it commits in the same
 * transaction as the job's completion, fenced by the lease.
 */
export function createJobWorker(options: JobWorkerOptions): JobWorker {
  const { pool, handlers } = options;
  const kinds = Object.keys(handlers).sort();
  const concurrency = options.concurrency ?? 10;
  const batch = options.batch ?? 10;
  const leaseMs = options.leaseMs ?? 30_000;
  const workspaceCap = options.workspaceCap === undefined ? 5 : options.workspaceCap;
  const backoff = options.backoff ?? exponentialBackoff();
  const depthIntervalMs = options.depthIntervalMs ?? 15_000;
  const completed = metric(options.registry, metricCatalogue.jobs.completed);
  const depth = metric(options.registry, metricCatalogue.jobs.queueDepth);
  const logger = options.logger.child({ component: 'job-worker' });

  const polling = createPollingWorker<ClaimedJob>({
    name: 'job worker',
    logger: options.logger,
    concurrency,
    batch,
    pollIntervalMs: options.pollIntervalMs ?? 1_000,
    async claim(limit, workerId) {
      const claimed = await pool.query<ClaimRow>(
        `select workspace_id, job_id, kind, payload, attempt, status
           from job_queue_claim($1, $2::text[], $3 * interval '1 millisecond', $4, $5)`,
        [workerId, kinds, leaseMs, limit, workspaceCap],
      );
      const jobs: ClaimedJob[] = [];
      for (const row of claimed.rows) {
        const job = { id: row.job_id, workspaceId: row.workspace_id, kind: row.kind, payload: row.payload, attempt: row.attempt };
        if (row.status === 'running') {
          jobs.push(job);
        } else {
          // Its last worker died holding it and no attempt was left.
          completed.inc({ kind: row.kind, outcome: 'dead' });
          logger.warn({ job_id: job.id, workspace_id: job.workspaceId, kind: job.kind, attempts: job.attempt }, 'job is dead: its lease lapsed after the last attempt');
        }
      }
      return jobs;
    },
    async work(job, signal) {
      const outcome = await runJob({
        pool,
        logger,
        job,
        workerId: polling.workerId,
        handler: handlers[job.kind]!,
        leaseMs,
        backoffMs: backoff(job.attempt),
        signal,
      });
      completed.inc({ kind: job.kind, outcome });
      if (outcome === 'dead' || outcome === 'lease_lost') logger.warn({ job_id: job.id, workspace_id: job.workspaceId, kind: job.kind, attempt: job.attempt }, `job attempt ended: ${outcome}`);
    },
  });

  // Counted on a timer rather than at each scrape: the count reads every unfinished job,
  // and a period bounds that cost however many replicas and scrapers there are.
  const countDepth = async (): Promise<void> => {
    try {
      const counted = await pool.query<{ kind: string; state: string; jobs: string }>(
        'select kind, state, jobs from job_queue_depth($1::text[])',
        [kinds],
      );
      depth.reset();
      for (const kind of kinds) for (const state of ['ready', 'delayed', 'running']) depth.set({ kind, state }, 0);
      for (const row of counted.rows) depth.set({ kind: row.kind, state: row.state }, Number(row.jobs));
    } catch (error) {
      logger.warn({ err: error }, 'could not count the job queue');
    }
  };
  let depthTimer: NodeJS.Timeout | undefined;

  return {
    kinds,
    workerId: polling.workerId,
    start() {
      if (kinds.length === 0) return;
      polling.start();
      if (depthIntervalMs > 0 && depthTimer === undefined) {
        void countDepth();
        depthTimer = setInterval(() => void countDepth(), depthIntervalMs).unref();
      }
    },
    wake: () => polling.wake(),
    async stop(deadline) {
      clearInterval(depthTimer);
      await polling.stop(deadline);
    },
  };
}
