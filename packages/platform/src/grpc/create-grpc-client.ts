import type { DescService } from '@bufbuild/protobuf';
import type { Interceptor } from '@grpc/grpc-js';
import { context as otelContext } from '@opentelemetry/api';
import type { Registry } from 'prom-client';
import { createBaseGrpcClient, type BaseGrpcClientOptions, type GrpcClient } from '../grpc-client/create-base-grpc-client.js';
import { createGrpcMetrics } from '../metrics/grpc-metrics.js';
import { deadlineFromContext } from './call-context.js';
import { createClientMetricsInterceptor } from './interceptors/client-metrics.js';
import { createClientPropagationInterceptor } from './interceptors/client-propagation.js';

export interface GrpcClientOptions extends Omit<BaseGrpcClientOptions, 'interceptors' | 'inheritedDeadline'> {
  /** When given, client metrics are declared on (or reused from) it. */
  readonly registry?: Registry;
}

/**
 * A service's client of another service: the base client plus what a service owes its
 * callees and operators. Trace context and `x-request-id` travel in metadata, calls made
 * inside a handler never outlive the call it serves, and with a registry every call is
 * counted and timed.
 */
export function createGrpcClient<S extends DescService>(service: S, options: GrpcClientOptions): GrpcClient<S> {
  const interceptors: Interceptor[] = [createClientPropagationInterceptor()];
  if (options.registry !== undefined) interceptors.push(createClientMetricsInterceptor(createGrpcMetrics(options.registry)));
  return createBaseGrpcClient(service, {
    ...options,
    interceptors,
    inheritedDeadline: () => deadlineFromContext(otelContext.active()),
  });
}
