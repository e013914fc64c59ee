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
 *   (its connection was going away as a pod shut down during a rollout) is retried on
 *   another connection instead of failing as UNAVAILABLE, a 503 at the gateway. They are
 *   not free: every call then runs through grpc-js's RetryingCall, which keeps the request
 *   for a replay. Measured on the gateway (two gateways behind one auth, alternating 3 s
 *   windows, 8 and 10 rounds with the roles swapped), retries off took ×0.93 and ×0.91 of
 *   the CPU per request, with rounds spread ±15 %. A rollout answered with 503s costs
 *   users more than that, and the gateway cannot safely retry UNAVAILABLE itself (a call
 *   may have run), so they stay on.
 */
export function sharedChannelOptions(environment: NodeJS.ProcessEnv = process.env): ChannelOptions {
  return { 'grpc.enable_channelz': environment[channelzVariable]?.trim().toLowerCase() === 'true' ? 1 : 0 };
}
