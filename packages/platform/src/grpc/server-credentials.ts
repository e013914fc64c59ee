import { ServerCredentials } from '@grpc/grpc-js';
import type { GrpcTls } from '../grpc-client/grpc-tls.js';

export function createServerCredentials(tls: GrpcTls | undefined): ServerCredentials {
  if (tls === undefined) return ServerCredentials.createInsecure();
  return ServerCredentials.createSsl(tls.ca ?? null, [{ cert_chain: tls.cert, private_key: tls.key }], tls.ca !== undefined);
}
