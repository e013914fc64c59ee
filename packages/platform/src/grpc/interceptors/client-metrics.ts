import { InterceptingCall, type Interceptor } from '@grpc/grpc-js';
import type { GrpcMetrics } from '../../metrics/grpc-metrics.js';
import { rpcNameFromPath, statusName } from '../rpc-names.js';

/** Counts every outgoing call and its duration by service, method and final status name. */
export function createClientMetricsInterceptor(metrics: GrpcMetrics): Interceptor {
  return (options, nextCall) => {
    const { service, method } = rpcNameFromPath(options.method_definition.path);
    const startedAt = performance.now();
    return new InterceptingCall(nextCall(options), {
      start: (metadata, _listener, next) => {
        next(metadata, {
          onReceiveStatus: (status, nextStatus) => {
            const labels = { grpc_service: service, grpc_method: method, grpc_code: statusName(status.code) };
            metrics.clientRequests.inc(labels);
            metrics.clientDuration.observe(labels, (performance.now() - startedAt) / 1000);
            nextStatus(status);
          },
        });
      },
    });
  };
}
