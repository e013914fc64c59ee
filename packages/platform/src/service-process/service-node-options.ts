/**
 * The node options every service process runs with, before its entry point: `npm start`,
 * the image's CMD and the chart's container args use these, and so do the tests' and the
 * bench's service processes, so what is measured is what is deployed.
 */
// --max-semi-space-size=16 (MB): V8 otherwise grows the young generation with the allocation
// rate, and a gateway or auth process under load kept about 220 MB of heap committed (75-95 MB
// in use) long after the load; with 16 MB semi-spaces it keeps 95-125 MB, about 75 MB less
// resident memory, with no CPU cost the gateway bench could tell from its noise
// (docs/benchmarks.md).
// --no-concurrent-recompilation: V8 otherwise runs its optimizing compiler on worker threads,
// each of which gets a glibc malloc arena of its own, and the compiler's freed memory stays
// fragmented there: a gateway kept 20-45 MB more than at start-up after load and a minute
// idle (121-146 MB), which no collection gives back. Compiling on the main thread, it went
// back to 97-102 MB, auth to 99 (from 113-125). Steady-state CPU per request x0.97 in an A/B;
// the price is a slower warm-up (the first ~25 s of load x1.04 CPU per request, p99 about
// 10 % higher, up to 1.6x in single 2 s windows).
export const serviceNodeOptions: readonly string[] = [
  '--max-semi-space-size=16',
  '--no-concurrent-recompilation',
  '--import',
  '@causeloop/platform/tracing/register',
];
