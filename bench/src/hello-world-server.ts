// A bare fastify hello-world, run as its own process by the gateway bench: the ceiling an
// HTTP hop on this machine allows, with no routing table, auth, rate limit or backend.
// Prints one JSON line with its port once it listens; SIGTERM closes it.
import Fastify from 'fastify';

const app = Fastify({ logger: false });
app.get('/hello', async () => ({ hello: 'world' }));
// Its own CPU seconds, so the bench can set the gateway's CPU per request beside a bare fastify's.
app.get('/cpu', async () => {
  const { user, system } = process.cpuUsage();
  return { seconds: (user + system) / 1e6 };
});
await app.listen({ host: '127.0.0.1', port: 0 });
const address = app.server.address();
if (typeof address !== 'object' || address === null) throw new Error('fastify is not listening on a TCP port');
console.log(JSON.stringify({ http_port: address.port }));
process.once('SIGTERM', () => void app.close().then(() => process.exit(0)));
