/**
 * The node options every service process runs with, before its entry point: `npm start`,
 * the image's CMD and the chart's container args use these, and so do the tests' and the
 * bench's service processes, so what is measured is what is deployed.
 */
export const serviceNodeOptions: readonly string[] = ['--import', '@causeloop/platform/tracing/register'];
