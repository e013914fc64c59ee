import { InterceptingCall, type Interceptor } from '@grpc/grpc-js';
import type { GrpcMetrics } from '../../metrics/grpc-metrics.js';
import { rpcNameFromPath, statusName, type RpcName } from '../rpc-names.js';

/** Counts every outgoing call and its duration by service, method and final status name. */
export function createClientMetricsInterceptor(metrics: GrpcMetrics): Interceptor {
  // A client calls a handful of methods: each path is split once, not on every call.
  const names = new Map<string, RpcName>();
  return (options, nextCall) => {
    const { path } = options.method_definition;
    let name = names.get(path);
    if (name === undefined) {
      name = rpcNameFromPath(path);
      names.set(path, name);
    }
    const { service, method } = name;
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
