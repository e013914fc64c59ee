import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import * as grpc from '@grpc/grpc-js';
import {
  EchoRequestSchema,
  EchoResponseSchema,
  EchoService,
  type EchoRequest,
} from '@causeloop/proto/causeloop/testing/v1/echo_pb.js';
import { createGrpcClient, createGrpcServer } from '@causeloop/platform/grpc';
import { createLogger } from '@causeloop/platform/log';
import { createMetricsRegistry } from '@causeloop/platform/metrics';
import { measure, report } from './measure.js';

const total = 20_000;
const concurrency = 32;

/**
 * The platform's gRPC path (descriptor-driven definitions, interceptors for metrics,
 * access log and trace context, deadlines, error mapping) against plain grpc-js with the
 * same protobuf-es serialization and nothing else: what the platform's layers cost.
 */
export async function benchGrpc(): Promise<void> {
  const raw = await startRawEcho();
  const rawClient = new (grpc.makeGenericClientConstructor(rawDefinition, 'EchoService'))(
    `127.0.0.1:${raw.port}`,
    grpc.credentials.createInsecure(),
  );
  const rawEcho = (request: EchoRequest) =>
    new Promise<void>((resolve, reject) =>
      rawClient['echo']!(request, (error: grpc.ServiceError | null) => (error === null ? resolve() : reject(error))),
    );
  const request = create(EchoRequestSchema, { message: 'x'.repeat(64) });
  const baseline = await measure('raw grpc-js unary echo', () => rawEcho(request), { total, concurrency });
  rawClient.close();
  raw.server.forceShutdown();

  const logger = createLogger({ service: 'bench', level: 'warn' });
  const registry = createMetricsRegistry({ service: 'bench' });
  const server = createGrpcServer({ logger, registry });
  server.addService(EchoService, { echo: async (input) => ({ message: input.message }) });
  const port = await server.start({ host: '127.0.0.1', port: 0 });
  const client = createGrpcClient(EchoService, { address: `127.0.0.1:${port}`, defaultDeadlineMs: 5_000, registry });
  const platform = await measure('platform server + client unary echo', () => client.echo(request), {
    total,
    concurrency,
  });
  client.close();
  await server.drain(1_000);

  report(`gRPC unary, one process serving and calling itself over loopback (${total} calls, ${concurrency} in flight)`, baseline, [
    platform,
  ]);
}

const rawDefinition: grpc.ServiceDefinition = {
  echo: {
    path: '/causeloop.testing.v1.EchoService/Echo',
    requestStream: false,
    responseStream: false,
    requestSerialize: (value: EchoRequest) => Buffer.from(toBinary(EchoRequestSchema, value)),
    requestDeserialize: (bytes: Buffer) => fromBinary(EchoRequestSchema, bytes),
    responseSerialize: (value: { message: string }) =>
      Buffer.from(toBinary(EchoResponseSchema, create(EchoResponseSchema, value))),
    responseDeserialize: (bytes: Buffer) => fromBinary(EchoResponseSchema, bytes),
  },
};

async function startRawEcho(): Promise<{ server: grpc.Server; port: number }> {
  const server = new grpc.Server();
  server.addService(rawDefinition, {
    echo: (call: grpc.ServerUnaryCall<EchoRequest, unknown>, callback: grpc.sendUnaryData<{ message: string }>) =>
      callback(null, { message: call.request.message }),
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, bound) =>
      error === null ? resolve(bound) : reject(error),
    ),
  );
  return { server, port };
}
