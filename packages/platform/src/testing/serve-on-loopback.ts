import type { Registry } from 'prom-client';
import { createGrpcServer, type GrpcServer } from '../grpc/create-grpc-server.js';
import { createLogger } from '../log/create-logger.js';

export interface LoopbackServer {
  /** `127.0.0.1:<port>`. */
  readonly address: string;
  /** Drains the server (in-flight calls get a second). */
  close(): Promise<void>;
}

/**
 * A service's handlers on a real gRPC server on a random loopback port, inside the test
 * process (so a test can reach into its dependencies): `register` adds the services, as
 * main.ts does, before the server starts. Logs are silent.
 */
export async function serveOnLoopback(register: (server: GrpcServer) => void, options: { readonly registry: Registry }): Promise<LoopbackServer> {
  const server = createGrpcServer({ logger: createLogger({ service: 'test', level: 'silent' }), registry: options.registry });
  register(server);
  const port = await server.start({ host: '127.0.0.1', port: 0 });
  return { address: `127.0.0.1:${port}`, close: () => server.drain(1_000) };
}
