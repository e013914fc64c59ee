import { ChannelCredentials } from '@grpc/grpc-js';

/** PEM material, e.g. read from GRPC_TLS_CERT_FILE / GRPC_TLS_KEY_FILE / GRPC_TLS_CA_FILE. */
export interface GrpcTls {
  readonly cert: Buffer;
  readonly key: Buffer;
  /**
   * Server: when given, clients must present a certificate signed by it (mutual TLS).
   * Client: the roots the server's certificate is checked against (system roots otherwise).
   */
  readonly ca?: Buffer;
}

/** Client side: `cert`/`key` are the client's own identity, sent when the server asks for it. */
export function createChannelCredentials(tls: GrpcTls | undefined): ChannelCredentials {
  if (tls === undefined) return ChannelCredentials.createInsecure();
  return ChannelCredentials.createSsl(tls.ca ?? null, tls.key, tls.cert);
}
