import type { BaseGrpcClientOptions } from '@causeloop/platform/grpc-client';

/**
 * Merged over the platform client's defaults, which already balance round-robin over
 * every address a `dns:///` target resolves to (a headless service: one per pod) and
 * ping every 30 s with a 10 s timeout while calls are open.
 *
 * A client of this package is often idle for minutes between calls. Load balancers and
 * NAT tables drop idle TCP flows silently (AWS ALB and many proxies after 60 s, NLB after
 * 350 s), and the next call would then hang on a dead connection until its deadline. So
 * idle connections are pinged too (every 30 s, under both timeouts). Our servers
 * (grpc-js, `createGrpcServer`) enforce no minimum ping interval, so they accept these
 * pings; a server that does (grpc-go's and C-core's default is 5 minutes without calls)
 * would answer GOAWAY too_many_pings and grpc-js would then double its interval.
 */
export const clientChannelOptions: NonNullable<BaseGrpcClientOptions['channelOptions']> = {
  'grpc.keepalive_time_ms': 30_000,
  'grpc.keepalive_timeout_ms': 10_000,
  'grpc.keepalive_permit_without_calls': 1,
};
