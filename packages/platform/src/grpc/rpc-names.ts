import { status as GrpcStatus } from '@grpc/grpc-js';

export interface RpcName {
  /** Fully qualified service name, e.g. `causeloop.testing.v1.EchoService`. */
  readonly service: string;
  /** Method name as written in the proto, e.g. `Echo`. */
  readonly method: string;
}

/** Splits a gRPC path `/<service>/<method>` into its parts (for labels and logs). */
export function rpcNameFromPath(path: string): RpcName {
  const [, service = 'unknown', method = 'unknown'] = path.split('/');
  return { service, method };
}

/** `4` → `DEADLINE_EXCEEDED`: the name Prometheus labels and logs carry. */
export function statusName(code: number): string {
  return (GrpcStatus as Record<number, string | undefined>)[code] ?? 'UNKNOWN';
}
