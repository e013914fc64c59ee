import type { Logger } from '../log/create-logger.js';
import { createWorkerId } from './worker-id.js';

export interface PollingWorkerOptions<T> {
  /** Named in log lines, e.g. "export worker". */
  readonly name: string;
  readonly logger: Logger;
  /** Stored with every lease; one is made when omitted. */
  readonly workerId?: string;
  /** Items worked at once at most. */
  readonly concurrency: number;
  /** Items claimed per call at most (the concurrency when omitted). */
  readonly batch?: number;
  /** Idle wait between looks for work when the last look found less than it asked for. */
  readonly pollIntervalMs: number;
  /** Claims up to `limit` items (leased to this worker); none when there is no work. */
  readonly claim: (limit: number, workerId: string) => Promise<readonly T[]>;
  /**
   * Works one claimed item. `signal` aborts when the worker is stopped and its deadline
   * passed: give the item back or let its lease lapse. Errors are logged, never rethrown.
   */
  readonly work: (item: T, signal: AbortSignal) => Promise<void>;
}

export interface PollingWorker {
  readonly workerId: string;
  /** Starts the loop (once). */
  start(): void;
  /** Looks for work now instead of after the idle wait (a job was just queued here). */
  wake(): void;
  /**
   * Stops claiming and waits for the loop. Items in progress may finish until `deadline`;
   * then (at once without a deadline) their signal aborts and they are waited for.
   */
  stop(deadline?: Date): Promise<void>;
}

/**
 * The loop every queue worker shares (the job queue's, tenancy's export worker): claim up to
 * the free slots, work each claimed item concurrently, wait for a slot when all are busy
 * and for the poll interval (or `wake()`) when the queue had less than asked. The claim and
 * the work, leases included, belong to the caller: PostgreSQL holds the queue, this holds
 * nothing a crash could lose.
 */
export function createPollingWorker<T>(options: PollingWorkerOptions<T>): PollingWorker {
  const workerId = options.workerId ?? createWorkerId();
  const logger = options.logger.child({ component: options.name, worker_id: workerId });
  const stopping = new AbortController();
  const abandon = new AbortController();
  const inFlight = new Set<Promise<void>>();
  const batch = Math.min(options.batch ?? options.concurrency, options.concurrency);
  // Claim once half a batch of slots is free, not at every freed slot: a claim costs about
  // the same for one item as for ten, and claims of one would dominate a busy queue.
  const claimAt = Math.ceil(batch / 2);
  let wakeUp: (() => void) | undefined;
  let woken = false;
  let loop: Promise<void> | undefined;

  /** Waits for `ms`, `wake()`, a stop, or (with `onSlot`) a finished item. */
  const pause = (ms: number, onSlot: boolean) =>
    new Promise<void>((resolve) => {
      if (woken || stopping.signal.aborted) {
        woken = false;
        resolve();
        return;
      }
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        stopping.signal.removeEventListener('abort', done);
        wakeUp = undefined;
        woken = false;
        resolve();
      }
      wakeUp = done;
      stopping.signal.addEventListener('abort', done, { once: true });
      if (onSlot) void Promise.race(inFlight).then(done);
    });

  const launch = (item: T): void => {
    const running: Promise<void> = options
      .work(item, abandon.signal)
      .catch((error: unknown) => logger.error({ err: error }, `${options.name} item failed`))
      .finally(() => inFlight.delete(running));
    inFlight.add(running);
  };

  const run = async (): Promise<void> => {
    while (!stopping.signal.aborted) {
      const free = options.concurrency - inFlight.size;
      if (free < claimAt) {
        await pause(options.pollIntervalMs, true);
        continue;
      }
      let claimed: readonly T[] = [];
      try {
        claimed = await options.claim(Math.min(batch, free), workerId);
      } catch (error) {
        logger.warn({ err: error }, `${options.name} could not look for work`);
      }
      for (const item of claimed) launch(item);
      if (claimed.length < Math.min(batch, free)) await pause(options.pollIntervalMs, false);
    }
  };

  return {
    workerId,
    start() {
      loop ??= run();
    },
    wake() {
      woken = true;
      wakeUp?.();
    },
    async stop(deadline) {
      stopping.abort();
      await loop;
      const remaining = deadline === undefined ? 0 : deadline.getTime() - Date.now();
      if (remaining > 0 && inFlight.size > 0) {
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([Promise.all(inFlight), new Promise((resolve) => (timer = setTimeout(resolve, remaining)))]);
        clearTimeout(timer);
      }
      abandon.abort();
      await Promise.all(inFlight);
    },
  };
}
