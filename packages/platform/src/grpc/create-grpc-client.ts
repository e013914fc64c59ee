import type { DescService } from '@bufbuild/protobuf';
import { context as otelContext } from '@opentelemetry/api';
import type { Registry } from 'prom-client';
import {
  createBaseGrpcCaller,
  createBaseGrpcClient,
  type BaseGrpcClientOptions,
  type GrpcCaller,
  type GrpcClient,
} from '../grpc-client/create-base-grpc-client.js';
import { createGrpcMetrics } from '../metrics/grpc-metrics.js';
import { deadlineFromContext } from './call-context.js';
import { createClientCallObserver } from './client-call-observer.js';

export interface GrpcClientOptions extends Omit<BaseGrpcClientOptions, 'observeCall' | 'inheritedDeadline'> {
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
  return createBaseGrpcClient(service, serviceClientOptions(options));
}

/** The same, calling methods by descriptor with a decoder of the caller's (see `GrpcCaller`). */
export function createGrpcCaller(service: DescService, options: GrpcClientOptions): GrpcCaller {
  return createBaseGrpcCaller(service, serviceClientOptions(options));
}

function serviceClientOptions(options: GrpcClientOptions): BaseGrpcClientOptions {
  return {
    ...options,
    observeCall: createClientCallObserver(options.registry === undefined ? undefined : createGrpcMetrics(options.registry)),
    inheritedDeadline: () => deadlineFromContext(otelContext.active()),
  };
}
