import type { Logger } from '../log/create-logger.js';

export interface RecurringJobOptions<R extends { readonly leader: boolean }> {
  /** Named in the log lines, e.g. "retention purge". */
  readonly name: string;
  readonly intervalMs: number;
  readonly logger: Logger;
  /** One run; `leader: false` when another replica holds the job's lock (nothing is logged then). */
  readonly run: () => Promise<R>;
}

/**
 * Runs `run` every `intervalMs` until stopped (0 or less: never); a run never overlaps the
 * previous one, and a failed run is logged and retried at the next interval. Returns a
 * stop function that waits for a run in progress, for the lifecycle's drain.
 */
export function scheduleRecurringJob<R extends { readonly leader: boolean }>(options: RecurringJobOptions<R>): () => Promise<void> {
  if (options.intervalMs <= 0) return async () => undefined;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  let stopped = false;
  const tick = () => {
    running = options
      .run()
      .then((report: { readonly leader: boolean }) => {
        if (report.leader) options.logger.info({ ...report }, `${options.name} done`);
      })
      .catch((error: unknown) => options.logger.error({ err: error }, `${options.name} failed`))
      .finally(() => {
        if (!stopped) timer = setTimeout(tick, options.intervalMs).unref();
      });
  };
  timer = setTimeout(tick, options.intervalMs).unref();
  return async () => {
    stopped = true;
    clearTimeout(timer);
    await running;
  };
}
