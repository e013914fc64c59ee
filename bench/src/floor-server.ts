// The floor of the libraries the gateway must use, run as processes by the gateway bench:
// `echo` is a raw grpc-js server answering one unary method with its request's bytes;
// `edge <address>` is a bare fastify server whose one route makes one raw grpc-js unary
// call to it per request (no auth, rate limit, routing table, JSON mapping or platform
// code); `proxy <address> <method> <header>` is the same fastify route calling a real
// service's unary method with an empty request, forwarding one request header as gRPC
// metadata and sending the answer's bytes back untouched: the ceiling of any gateway built
// on these libraries in front of that service (no authentication, limits, validation,
// mapping, metrics or ids of its own). Each prints one JSON line with its port once it
// listens; SIGTERM stops it.
// A request with `x-floor-delay-ms: N` asks the echo to answer N ms late, so the floor can
// be held to a gateway path's request rate (CPU per request depends on the rate: at a
// lower one, each wake-up of the event loop serves fewer requests).
import Fastify from 'fastify';
import { Client, credentials, makeGenericClientConstructor, Metadata, Server, ServerCredentials, type ServiceDefinition } from '@grpc/grpc-js';

const identity = (bytes: Buffer): Buffer => bytes;
const echoService: ServiceDefinition = {
  echo: {
    path: '/bench.Echo/Echo',
    requestStream: false,
    responseStream: false,
    requestSerialize: identity,
    requestDeserialize: identity,
    responseSerialize: identity,
    responseDeserialize: identity,
  },
};

const payload = Buffer.from('{"scopes":["tokens:read"]}');

const [mode, address, proxiedMethod, forwardedHeader] = process.argv.slice(2);

/** One unary call of raw bytes, as the floor makes it. */
function unary(client: Client, method: string, body: Buffer, metadata: Metadata): Promise<Buffer> {
  return new Promise<Buffer>((resolve, reject) =>
    client.makeUnaryRequest(method, identity, identity, body, metadata, { deadline: Date.now() + 10_000 }, (error, value) =>
      error === null && value !== undefined ? resolve(value) : reject(error ?? new Error('no answer')),
    ),
  );
}

/** Listens on an ephemeral port and prints it. */
async function listen(app: ReturnType<typeof Fastify>): Promise<void> {
  await app.listen({ host: '127.0.0.1', port: 0 });
  const bound = app.server.address();
  if (typeof bound !== 'object' || bound === null) throw new Error('fastify is not listening on a TCP port');
  console.log(JSON.stringify({ http_port: bound.port }));
  process.once('SIGTERM', () => void app.close().then(() => process.exit(0)));
}

if (mode === 'echo') {
  const server = new Server();
  server.addService(echoService, {
    echo: (call: { request: Buffer }, callback: (error: null, value: Buffer) => void) => {
      const delayMs = call.request.length === payload.length ? 0 : (JSON.parse(call.request.toString('utf8')) as { delay_ms: number }).delay_ms;
      if (delayMs === 0) callback(null, call.request);
      else setTimeout(() => callback(null, call.request), delayMs);
    },
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, bound) => (error === null ? resolve(bound) : reject(error))),
  );
  console.log(JSON.stringify({ grpc_port: port }));
  process.once('SIGTERM', () => server.tryShutdown(() => process.exit(0)));
} else if (mode === 'edge' && address !== undefined) {
  const EchoClient = makeGenericClientConstructor(echoService, 'Echo');
  const client = new EchoClient(address, credentials.createInsecure());
  const delayedPayloads = new Map<string, Buffer>();
  const payloadFor = (delayMs: string | string[] | undefined): Buffer => {
    if (typeof delayMs !== 'string') return payload;
    let delayed = delayedPayloads.get(delayMs);
    if (delayed === undefined) delayedPayloads.set(delayMs, (delayed = Buffer.from(JSON.stringify({ scopes: ['tokens:read'], delay_ms: Number(delayMs) }))));
    return delayed;
  };
  const app = Fastify({ logger: false });
  app.get('/floor', async (request, reply) => {
    const answer = await unary(client, '/bench.Echo/Echo', payloadFor(request.headers['x-floor-delay-ms']), new Metadata());
    return reply.type('application/json').send(answer);
  });
  await listen(app);
} else if (mode === 'proxy' && address !== undefined && proxiedMethod !== undefined && forwardedHeader !== undefined) {
  const client = new Client(address, credentials.createInsecure());
  const emptyRequest = Buffer.alloc(0);
  const app = Fastify({ logger: false });
  app.get('/floor', async (request, reply) => {
    const metadata = new Metadata();
    const value = request.headers[forwardedHeader];
    if (typeof value === 'string') metadata.set(forwardedHeader, value);
    return reply.type('application/octet-stream').send(await unary(client, proxiedMethod, emptyRequest, metadata));
  });
  await listen(app);
} else {
  throw new Error('usage: floor-server.js echo | edge <host:port> | proxy <host:port> </package.Service/Method> <header>');
}
