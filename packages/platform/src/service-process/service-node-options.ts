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
export const serviceNodeOptions: readonly string[] = ['--max-semi-space-size=16', '--import', '@causeloop/platform/tracing/register'];
