import { Counter, Histogram, type Registry } from 'prom-client';

/** gRPC request counters and duration histograms, server and client side. */
export interface GrpcMetrics {
  readonly serverRequests: Counter<GrpcMetricLabel>;
  readonly serverDuration: Histogram<GrpcMetricLabel>;
  readonly clientRequests: Counter<GrpcMetricLabel>;
  readonly clientDuration: Histogram<GrpcMetricLabel>;
}

/**
 * Bounded labels only: `service` and `method` come from the descriptor (unknown paths are
 * answered UNIMPLEMENTED by grpc-js before any interceptor runs), `code` is the status name.
 */
export type GrpcMetricLabel = 'service' | 'method' | 'code';

const labelNames: readonly GrpcMetricLabel[] = ['service', 'method', 'code'];

// Unary calls inside a cluster: milliseconds to a few seconds; the top buckets catch
// calls that ran into their deadline.
const durationBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * Declares the gRPC metrics on `registry`, or returns the ones already declared there, so a
 * process that both serves and calls (one registry, passed down from main.ts) shares them.
 */
export function createGrpcMetrics(registry: Registry): GrpcMetrics {
  return {
    serverRequests: counter(registry, 'causeloop_grpc_server_requests_total', 'gRPC calls handled, by final status code.'),
    serverDuration: histogram(registry, 'causeloop_grpc_server_duration_seconds', 'Time from receiving a gRPC call to sending its status.'),
    clientRequests: counter(registry, 'causeloop_grpc_client_requests_total', 'gRPC calls made, by final status code.'),
    clientDuration: histogram(registry, 'causeloop_grpc_client_duration_seconds', 'Time from starting a gRPC call to receiving its status.'),
  };
}

function counter(registry: Registry, name: string, help: string): Counter<GrpcMetricLabel> {
  const existing = registry.getSingleMetric(name);
  if (existing !== undefined) {
    if (!(existing instanceof Counter)) throw new Error(`metric ${name} is registered with another type`);
    return existing as Counter<GrpcMetricLabel>;
  }
  return new Counter({ name, help, labelNames, registers: [registry] });
}

function histogram(registry: Registry, name: string, help: string): Histogram<GrpcMetricLabel> {
  const existing = registry.getSingleMetric(name);
  if (existing !== undefined) {
    if (!(existing instanceof Histogram)) throw new Error(`metric ${name} is registered with another type`);
    return existing as Histogram<GrpcMetricLabel>;
  }
  return new Histogram({ name, help, labelNames, buckets: durationBuckets, registers: [registry] });
}
