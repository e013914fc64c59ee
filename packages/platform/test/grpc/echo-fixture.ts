import { Registry } from 'prom-client';
import { EchoService } from '@causeloop/proto/causeloop/testing/v1/echo_pb.js';
import { createLogger } from '../../src/log/create-logger.js';
import type { CallContext } from '../../src/grpc/call-context.js';
import type { GrpcClient } from '../../src/grpc-client/create-base-grpc-client.js';
import { createGrpcClient, type GrpcClientOptions } from '../../src/grpc/create-grpc-client.js';
import { createGrpcServer, type GrpcServer, type GrpcServerOptions } from '../../src/grpc/create-grpc-server.js';
import type { ServiceImpl } from '../../src/grpc/service-impl.js';

export type EchoImpl = ServiceImpl<typeof EchoService>;

/** Resolves after `ms`, or rejects with the signal's reason as soon as it aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** The echo every test serves unless it brings its own: waits `delay_ms`, honouring the signal. */
export const echoImpl: EchoImpl = {
  echo: async (request, context) => {
    await sleep(request.delayMs, context.signal);
    return { message: request.message };
  },
};

export interface EchoHarness {
  readonly server: GrpcServer;
  readonly client: GrpcClient<typeof EchoService>;
  readonly port: number;
  readonly registry: Registry;
  /** Every line the server logger wrote, parsed. */
  readonly logs: Record<string, unknown>[];
  /** Contexts the handler saw, in call order. */
  readonly contexts: CallContext[];
  newClient(options?: Partial<GrpcClientOptions>): GrpcClient<typeof EchoService>;
  close(): Promise<void>;
}

export async function startEcho(
  options: { impl?: EchoImpl; server?: Partial<Omit<GrpcServerOptions, 'logger' | 'registry'>> } = {},
): Promise<EchoHarness> {
  const logs: Record<string, unknown>[] = [];
  const logger = createLogger({
    service: 'grpc-test',
    level: 'debug',
    destination: { write: (line: string) => void logs.push(JSON.parse(line) as Record<string, unknown>) },
  });
  const registry = new Registry();
  const server = createGrpcServer({ logger, registry, ...options.server });
  const contexts: CallContext[] = [];
  const impl = options.impl ?? echoImpl;
  server.addService(EchoService, {
    echo: (request, context) => {
      contexts.push(context);
      return impl.echo(request, context);
    },
  });
  const port = await server.start({ host: '127.0.0.1', port: 0 });
  const clients: GrpcClient<typeof EchoService>[] = [];
  const newClient = (clientOptions: Partial<GrpcClientOptions> = {}): GrpcClient<typeof EchoService> => {
    const client = createGrpcClient(EchoService, {
      address: `127.0.0.1:${port}`,
      defaultDeadlineMs: 5_000,
      registry,
      ...clientOptions,
    });
    clients.push(client);
    return client;
  };
  const client = newClient();
  return {
    server,
    client,
    port,
    registry,
    logs,
    contexts,
    newClient,
    async close() {
      for (const each of clients) each.close();
      await server.drain(1_000);
    },
  };
}
