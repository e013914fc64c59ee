import type { Counter, Histogram, Registry } from 'prom-client';
import { metricCatalogue } from './catalogue.js';
import { metric } from './metric.js';

/**
 * Bounded labels only: service and method come from the descriptor (unknown paths are
 * answered UNIMPLEMENTED by grpc-js before any interceptor runs), the code is the status name.
 */
export type GrpcMetricLabel = (typeof metricCatalogue.grpc.serverRequests.labelNames)[number];

/** gRPC request counters and duration histograms, server and client side. */
export interface GrpcMetrics {
  readonly serverRequests: Counter<GrpcMetricLabel>;
  readonly serverDuration: Histogram<GrpcMetricLabel>;
  readonly clientRequests: Counter<GrpcMetricLabel>;
  readonly clientDuration: Histogram<GrpcMetricLabel>;
}

/** The gRPC metrics of `registry`: a process that both serves and calls shares them. */
export function createGrpcMetrics(registry: Registry): GrpcMetrics {
  const { grpc } = metricCatalogue;
  return {
    serverRequests: metric(registry, grpc.serverRequests),
    serverDuration: metric(registry, grpc.serverDuration),
    clientRequests: metric(registry, grpc.clientRequests),
    clientDuration: metric(registry, grpc.clientDuration),
  };
}
