import type { LevelWithSilent } from 'pino';
import { createLifecycle, type Lifecycle } from '../lifecycle/create-lifecycle.js';
import { createLogger, type Logger } from '../log/create-logger.js';
import { createMetricsRegistry, type Registry } from '../metrics/create-metrics-registry.js';
import { createReadiness, type Readiness } from '../ops/readiness.js';
import { shutdownTracing } from '../tracing/tracer.js';
import { releaseMemoryWhenIdle } from './release-memory-when-idle.js';

/** The per-process parts every service shares; made once in `main.ts`, passed down. */
export interface ServiceRuntime {
  readonly service: string;
  readonly logger: Logger;
  readonly registry: Registry;
  readonly readiness: Readiness;
  readonly lifecycle: Lifecycle;
  /**
   * Says start-up is over: until it is called `/ready` answers 503, so a probe (or a
   * script) never sees "ready" while a port is still to be bound. The last line of main.
   */
  started(): void;
}

export interface ServiceRuntimeOptions {
  readonly service: string;
  readonly logLevel: LevelWithSilent;
  /** SHUTDOWN_DRAIN_MS: how long SIGTERM waits for in-flight work. */
  readonly shutdownDrainMs: number;
}

/**
 * Logger, metrics registry, readiness and lifecycle for one process, already joined up:
 * SIGTERM/SIGINT start the shutdown, readiness fails first, tracing is flushed last; the
 * memory start-up used is given back as it ends, and the memory load grew once the process
 * has been idle for a minute.
 * Servers and pools add their own steps through `serveGrpc`, `serveOps` and
 * `connectDatabase`.
 */
export function createServiceRuntime(options: ServiceRuntimeOptions): ServiceRuntime {
  const logger = createLogger({ service: options.service, level: options.logLevel });
  const registry = createMetricsRegistry({ service: options.service });
  const readiness = createReadiness();
  const lifecycle = createLifecycle({ logger, drainMs: options.shutdownDrainMs });
  lifecycle.onBeforeShutdown('readiness', () => readiness.startDraining());
  // Registered first, so it runs last: spans from the drain are still exported.
  lifecycle.onShutdown('tracing', () => shutdownTracing());
  lifecycle.installSignalHandlers();
  const memory = releaseMemoryWhenIdle({ logger });
  lifecycle.onShutdown('idle memory release', () => memory.stop());
  let starting = true;
  readiness.register('startup', async () => {
    if (starting) throw new Error('still starting');
  });
  return {
    service: options.service,
    logger,
    registry,
    readiness,
    lifecycle,
    started: () => {
      // What start-up allocated and dropped (modules compiled, descriptors and schemas
      // built) would otherwise stay resident until the first idle release: 19-26 MB per
      // service. Collected before the process says it is ready, so no request waits on it.
      memory.releaseNow('start-up over: released the memory start-up used');
      starting = false;
    },
  };
}

/**
 * Runs a service's start-up; a failure (bad config, unsafe database role, port in use) is
 * logged as one fatal line naming the cause and the process exits 1 instead of serving
 * in a broken state.
 */
export async function runService(service: string, start: () => Promise<void>): Promise<void> {
  try {
    await start();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    createLogger({ service }).fatal({ err: error }, `${service} failed to start: ${message}`);
    process.exit(1);
  }
}
