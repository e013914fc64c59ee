// The floor of the libraries the gateway must use, run as processes by the gateway bench:
// `echo` is a raw grpc-js server answering one unary method with its request's bytes;
// `edge <address>` is a bare fastify server whose one route makes one raw grpc-js unary
// call to it per request (no auth, rate limit, routing table, JSON mapping or platform
// code). Each prints one JSON line with its port once it listens; SIGTERM stops it.
// A request with `x-floor-delay-ms: N` asks the echo to answer N ms late, so the floor can
// be held to a gateway path's request rate (CPU per request depends on the rate: at a
// lower one, each wake-up of the event loop serves fewer requests).
import Fastify from 'fastify';
import { credentials, makeGenericClientConstructor, Server, ServerCredentials, type ServiceDefinition } from '@grpc/grpc-js';

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

const [mode, address] = process.argv.slice(2);
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
  const Client = makeGenericClientConstructor(echoService, 'Echo');
  const client = new Client(address, credentials.createInsecure());
  const delayedPayloads = new Map<string, Buffer>();
  const payloadFor = (delayMs: string | string[] | undefined): Buffer => {
    if (typeof delayMs !== 'string') return payload;
    let delayed = delayedPayloads.get(delayMs);
    if (delayed === undefined) delayedPayloads.set(delayMs, (delayed = Buffer.from(JSON.stringify({ scopes: ['tokens:read'], delay_ms: Number(delayMs) }))));
    return delayed;
  };
  const app = Fastify({ logger: false });
  app.get('/floor', async (request, reply) => {
    const body = payloadFor(request.headers['x-floor-delay-ms']);
    const answer = await new Promise<Buffer>((resolve, reject) =>
      client.makeUnaryRequest('/bench.Echo/Echo', identity, identity, body, { deadline: Date.now() + 10_000 }, (error, value) =>
        error === null && value !== undefined ? resolve(value) : reject(error ?? new Error('no answer')),
      ),
    );
    return reply.type('application/json').send(answer);
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const bound = app.server.address();
  if (typeof bound !== 'object' || bound === null) throw new Error('fastify is not listening on a TCP port');
  console.log(JSON.stringify({ http_port: bound.port }));
  process.once('SIGTERM', () => void app.close().then(() => process.exit(0)));
} else {
  throw new Error('usage: floor-server.js echo | edge <host:port>');
}
