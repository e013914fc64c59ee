import type { Pool } from 'pg';
import type { Logger } from '@causeloop/platform/log';
import { reapIdempotencyKeys } from '@causeloop/platform/idempotency';

export interface IdempotencyReaperOptions {
  readonly pool: Pool;
  readonly logger: Logger;
  /** Mean time between sweeps; each replica sweeps, jittered ±50% so they spread out. */
  readonly intervalMs: number;
}

/**
 * Deletes idempotency keys past their 24 h lifetime. Expired keys are already ignored when
 * a request presents them; this only keeps the table to one day of keys. Every replica
 * runs it: sweeps running at once only wait on each other's rows, so no leader is needed.
 */
export function startIdempotencyReaper(options: IdempotencyReaperOptions): { stop(): Promise<void> } {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  let stopped = false;

  const schedule = (): void => {
    if (stopped) return;
    timer = setTimeout(() => {
      running = sweep().finally(schedule);
    }, options.intervalMs * (0.5 + Math.random()));
    timer.unref();
  };
  const sweep = async (): Promise<void> => {
    try {
      const removed = await reapIdempotencyKeys(options.pool);
      if (removed > 0) options.logger.info({ removed }, 'expired idempotency keys removed');
    } catch (error) {
      options.logger.warn({ err: error }, 'idempotency key sweep failed; the next one retries');
    }
  };

  schedule();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
