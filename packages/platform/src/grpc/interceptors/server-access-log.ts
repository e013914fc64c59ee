import { status as GrpcStatus, type ServerInterceptor } from '@grpc/grpc-js';
import type { Logger } from '../../log/create-logger.js';
import { ensureRequestId } from '../request-id.js';
import { rpcNameFromPath, statusName } from '../rpc-names.js';
import { observeServerCall } from './observe-server-call.js';

// Probes and tooling call these every few seconds; at info they would drown real traffic.
const quietServices = new Set(['grpc.health.v1.Health', 'grpc.reflection.v1.ServerReflection', 'grpc.reflection.v1alpha.ServerReflection']);

/**
 * One line per call: rpc, code, duration_ms, request_id. Metadata values are never logged
 * (they carry `authorization`). It also settles the call's request id before the handler
 * runs, so the handler's logger and this line agree.
 */
export function createServerAccessLogInterceptor(logger: Logger): ServerInterceptor {
  return (methodDefinition, call) => {
    const rpcName = rpcNameFromPath(methodDefinition.path);
    const rpc = `${rpcName.service}/${rpcName.method}`;
    const startedAt = performance.now();
    let requestId: string | undefined;
    return observeServerCall(call, {
      onMetadata: (metadata) => {
        requestId = ensureRequestId(metadata);
      },
      onEnd: (code) => {
        const line = {
          rpc,
          code: statusName(code),
          duration_ms: Math.round((performance.now() - startedAt) * 10) / 10,
          request_id: requestId,
        };
        if (quietServices.has(rpcName.service)) logger.debug(line, 'grpc call');
        else if (code === GrpcStatus.INTERNAL || code === GrpcStatus.UNKNOWN) logger.warn(line, 'grpc call');
        else logger.info(line, 'grpc call');
      },
    });
  };
}
