import type { ChannelOptions } from '@grpc/grpc-js';

/** Set to `true` to turn grpc-js channelz on in a process (for debugging a live channel). */
export const channelzVariable = 'CAUSELOOP_GRPC_CHANNELZ';

/**
 * grpc-js options every Causeloop channel and server shares, chosen by measurement
 * (docs/benchmarks.md):
 * - channelz off unless `CAUSELOOP_GRPC_CHANNELZ=true`: on by default, it keeps per-call
 *   counters and call traces on every channel, subchannel and server that nothing here
 *   reads (no channelz service is served). Read from the environment because clients
 *   are also built by `@causeloop/client`, outside any service's config.
 * - transparent retries stay on (grpc-js's default): a call that never reached a server
 *   (a pod shutting down during a rollout) is retried on another connection. Issue 27
 *   measured channelz and retries off together at ×0.94 CPU; retries alone have not yet
 *   been measured apart on a quiet machine, and until they are the rollout safety wins.
 */
export function sharedChannelOptions(environment: NodeJS.ProcessEnv = process.env): ChannelOptions {
  return { 'grpc.enable_channelz': environment[channelzVariable]?.trim().toLowerCase() === 'true' ? 1 : 0 };
}
