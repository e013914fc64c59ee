import type { Logger } from '../log/create-logger.js';

/** A shutdown step; `deadline` is when the whole drain must be over. */
export type ShutdownHook = (deadline: Date) => Promise<void> | void;

export interface Lifecycle {
  /** Runs first on shutdown: flip readiness and gRPC health so traffic stops coming. */
  onBeforeShutdown(name: string, hook: ShutdownHook): void;
  /** Runs next, in parallel: let in-flight work finish before the deadline. */
  onDrain(name: string, hook: ShutdownHook): void;
  /** Runs last, in reverse registration order: close pools, flush telemetry. */
  onShutdown(name: string, hook: ShutdownHook): void;
  /** Starts the shutdown once; later calls return the same promise. */
  shutdown(reason: string): Promise<void>;
  /** SIGTERM and SIGINT shut down, then exit 0 (1 when a step failed). */
  installSignalHandlers(): void;
}

interface NamedHook {
  readonly name: string;
  readonly hook: ShutdownHook;
}

/**
 * Health as a lifecycle fact (Backstage's root lifecycle): before-shutdown → drain under a
 * deadline → shutdown → exit. Every step is logged, a failing step does not stop the
 * others, and the deadline bounds the whole sequence.
 */
export function createLifecycle(options: { logger: Logger; drainMs: number }): Lifecycle {
  const { logger, drainMs } = options;
  const beforeShutdown: NamedHook[] = [];
  const drain: NamedHook[] = [];
  const shutdownHooks: NamedHook[] = [];
  let shuttingDown: Promise<boolean> | undefined;

  async function runStep(stage: string, { name, hook }: NamedHook, deadline: Date): Promise<boolean> {
    try {
      await hook(deadline);
      return true;
    } catch (error) {
      logger.error({ err: error, stage, step: name }, 'shutdown step failed');
      return false;
    }
  }

  async function run(reason: string): Promise<boolean> {
    const deadline = new Date(Date.now() + drainMs);
    logger.info({ reason, drain_ms: drainMs }, 'shutting down');
    const results = await Promise.all(beforeShutdown.map((hook) => runStep('before-shutdown', hook, deadline)));
    results.push(...(await Promise.all(drain.map((hook) => runStep('drain', hook, deadline)))));
    for (const hook of [...shutdownHooks].reverse()) results.push(await runStep('shutdown', hook, deadline));
    const clean = results.every(Boolean);
    logger.info({ clean }, 'shutdown complete');
    return clean;
  }

  function start(reason: string): Promise<boolean> {
    shuttingDown ??= run(reason);
    return shuttingDown;
  }

  return {
    onBeforeShutdown: (name, hook) => void beforeShutdown.push({ name, hook }),
    onDrain: (name, hook) => void drain.push({ name, hook }),
    onShutdown: (name, hook) => void shutdownHooks.push({ name, hook }),
    shutdown: async (reason) => void (await start(reason)),
    installSignalHandlers() {
      for (const signal of ['SIGTERM', 'SIGINT'] as const) {
        process.once(signal, () => {
          void start(signal).then((clean) => process.exit(clean ? 0 : 1));
        });
      }
    },
  };
}
