import type { ServerInterceptor } from '@grpc/grpc-js';
import type { GrpcMetrics } from '../../metrics/grpc-metrics.js';
import { rpcNameFromPath, statusName } from '../rpc-names.js';
import { observeServerCall } from './observe-server-call.js';

/** Counts every served call and its duration by service, method and final status name. */
export function createServerMetricsInterceptor(metrics: GrpcMetrics): ServerInterceptor {
  return (methodDefinition, call) => {
    const { service, method } = rpcNameFromPath(methodDefinition.path);
    const startedAt = performance.now();
    return observeServerCall(call, {
      onEnd: (code) => {
        const labels = { grpc_service: service, grpc_method: method, grpc_code: statusName(code) };
        metrics.serverRequests.inc(labels);
        metrics.serverDuration.observe(labels, (performance.now() - startedAt) / 1000);
      },
    });
  };
}
