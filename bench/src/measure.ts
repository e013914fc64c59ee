import { performance } from 'node:perf_hooks';

export interface Measurement {
  readonly label: string;
  readonly opsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

/**
 * Runs `operation` `total` times with `concurrency` in flight, after a warm-up, and
 * reports throughput and latency percentiles.
 */
export async function measure(
  label: string,
  operation: () => Promise<unknown>,
  options: { total: number; concurrency: number; warmup?: number },
): Promise<Measurement> {
  for (let index = 0; index < (options.warmup ?? Math.ceil(options.total / 10)); index++) await operation();
  const latencies: number[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < options.total) {
      next++;
      const started = performance.now();
      await operation();
      latencies.push(performance.now() - started);
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  return summarize(label, latencies, (performance.now() - started) / 1000);
}

/** Throughput and latency percentiles of calls that took `latencies` ms over `elapsedSeconds`. */
export function summarize(label: string, latencies: readonly number[], elapsedSeconds: number): Measurement {
  const sorted = [...latencies].sort((a, b) => a - b);
  const percentile = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0;
  return { label, opsPerSecond: sorted.length / elapsedSeconds, p50Ms: percentile(0.5), p99Ms: percentile(0.99) };
}

/** Prints a section: each figure beside the baseline measured in the same run; throughput in `unit`. */
export function report(section: string, baseline: Measurement, candidates: readonly Measurement[], unit = 'ops/s'): void {
  const row = (m: Measurement, ratio: string) =>
    `  ${m.label.padEnd(44)}${m.opsPerSecond.toFixed(0).padStart(9)} ${unit}   p50 ${m.p50Ms.toFixed(2).padStart(7)} ms   p99 ${m.p99Ms.toFixed(2).padStart(7)} ms   ${ratio}`;
  console.log(`\n${section}`);
  console.log(row(baseline, '(baseline)'));
  for (const candidate of candidates) {
    console.log(row(candidate, `${(candidate.opsPerSecond / baseline.opsPerSecond).toFixed(2)}x baseline`));
  }
}

/** `concurrency` loops calling `operation` until `ms` passed; the window ends when the last call returns. */
export async function runFor(
  ms: number,
  concurrency: number,
  operation: () => Promise<unknown>,
): Promise<{ latencies: number[]; elapsedSeconds: number }> {
  const latencies: number[] = [];
  const started = performance.now();
  const deadline = started + ms;
  const worker = async (): Promise<void> => {
    while (performance.now() < deadline) {
      const sent = performance.now();
      await operation();
      latencies.push(performance.now() - sent);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { latencies, elapsedSeconds: (performance.now() - started) / 1000 };
}
