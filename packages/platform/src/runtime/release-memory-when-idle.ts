import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { Logger } from '../log/create-logger.js';

// Why this exists: V8's memory reducer is meant to shrink the heap once a process stops
// allocating, but it decides from the allocation rate, and a process that allocates nothing
// gives it no new sample: after a burst of load an idle gateway or auth kept reporting "high
// alloc" and held 220-250 MB resident for as long as it stayed idle (docs/benchmarks.md). A
// regular major GC shrinks the heap but returns nothing to the OS; the memory-reducing
// ("last-resort") one does, down to about what the process held after start-up.

export interface IdleMemoryReleaseOptions {
  readonly logger: Logger;
  /** How often the process's CPU use and heap are sampled. */
  readonly checkEveryMs?: number;
  /** How long the process must have been idle before its memory is released. */
  readonly idleForMs?: number;
  /** Idle: at most this share of one core used between two samples. */
  readonly idleCpuShare?: number;
  /** Released only when V8's committed heap has grown this much since the last release. */
  readonly minGrowthBytes?: number;
}

/** What a service runs with: sampled every 15 s, released after a minute idle. */
export const idleMemoryReleaseDefaults = {
  checkEveryMs: 15_000,
  idleForMs: 60_000,
  idleCpuShare: 0.01,
  minGrowthBytes: 32 * 1024 * 1024,
} as const;

export interface IdleSample {
  /** Milliseconds on a monotonic clock. */
  readonly atMs: number;
  /** CPU used since the previous sample, as a share of one core. */
  readonly cpuShare: number;
  readonly heapBytes: number;
}

export interface IdleMemoryPolicyOptions extends Required<Omit<IdleMemoryReleaseOptions, 'logger' | 'checkEveryMs'>> {
  /** When sampling starts, and the heap then. */
  readonly startAtMs: number;
  readonly startHeapBytes: number;
}

export interface IdleMemoryPolicy {
  /** Whether this sample calls for a release. */
  shouldRelease(sample: IdleSample): boolean;
  /** Records the heap a release left, the base for the next growth. */
  released(heapBytes: number): void;
}

/**
 * The decision alone, fed one sample at a time: release when the process has been idle for
 * `idleForMs` and its heap has grown by `minGrowthBytes` since the last release, so an idle
 * process is not collected again and again.
 */
export function createIdleMemoryPolicy(options: IdleMemoryPolicyOptions): IdleMemoryPolicy {
  let idleSinceMs: number | undefined;
  let previousAtMs = options.startAtMs;
  let heapAfterRelease = options.startHeapBytes;
  return {
    shouldRelease(sample) {
      if (sample.cpuShare > options.idleCpuShare) idleSinceMs = undefined;
      // Idle from the previous sample on: the CPU share covers the interval since then.
      else idleSinceMs ??= previousAtMs;
      previousAtMs = sample.atMs;
      return idleSinceMs !== undefined && sample.atMs - idleSinceMs >= options.idleForMs && sample.heapBytes - heapAfterRelease >= options.minGrowthBytes;
    },
    released(heapBytes) {
      heapAfterRelease = heapBytes;
    },
  };
}

/** V8's gc(), without exposing it as a global to every module the process loads. */
function memoryReducingGc(): () => void {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as NodeJS.GCFunction | undefined;
  setFlagsFromString('--no-expose-gc');
  if (typeof gc !== 'function') throw new Error('this Node.js does not expose gc() to a new context: idle memory release cannot start');
  return () => gc({ type: 'major', execution: 'sync', flavor: 'last-resort' });
}

export interface MemoryRelease {
  /**
   * Runs one memory-reducing collection now and logs what it gave back under `message`:
   * for a moment known to be quiet, such as the end of start-up, before any request.
   */
  releaseNow(message: string): void;
  /** Stops watching for idleness. */
  stop(): void;
}

/**
 * Once the process has been idle for a minute after its heap grew, runs one memory-reducing
 * GC and logs what it gave back. The collection pauses the event loop (about 30-160 ms
 * measured on a 100 MB heap), which is why it waits for an idle process.
 */
export function releaseMemoryWhenIdle(options: IdleMemoryReleaseOptions): MemoryRelease {
  const { logger, checkEveryMs, ...decision } = { ...idleMemoryReleaseDefaults, ...options };
  const collect = memoryReducingGc();
  let lastCpu = process.cpuUsage();
  let lastAtMs = performance.now();
  const policy = createIdleMemoryPolicy({
    ...decision,
    startAtMs: lastAtMs,
    startHeapBytes: getHeapStatistics().total_heap_size,
  });
  const release = (message: string, heapBefore = getHeapStatistics().total_heap_size): void => {
    const startedAtMs = performance.now();
    const rssBefore = process.memoryUsage.rss();
    collect();
    const heapAfter = getHeapStatistics().total_heap_size;
    policy.released(heapAfter);
    logger.info(
      { heap_before_bytes: heapBefore, heap_after_bytes: heapAfter, rss_before_bytes: rssBefore, rss_after_bytes: process.memoryUsage.rss(), pause_ms: Math.round(performance.now() - startedAtMs) },
      message,
    );
  };
  const timer = setInterval(() => {
    const atMs = performance.now();
    const cpu = process.cpuUsage(lastCpu);
    const cpuShare = (cpu.user + cpu.system) / 1000 / (atMs - lastAtMs);
    const heapBefore = getHeapStatistics().total_heap_size;
    if (policy.shouldRelease({ atMs, cpuShare, heapBytes: heapBefore })) release('idle: released memory grown under load', heapBefore);
    // Sampled after the collection, so its own CPU does not count against the next interval.
    lastCpu = process.cpuUsage();
    lastAtMs = performance.now();
  }, checkEveryMs).unref();
  return { releaseNow: (message) => release(message), stop: () => clearInterval(timer) };
}
