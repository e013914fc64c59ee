import type { FastifyInstance } from 'fastify';
import { metric, metricCatalogue, type Registry } from '@causeloop/platform/metrics';

/**
 * Request durations by method, route template and status (DESIGN §8). Labels stay bounded:
 * the route is the declared template (`/v1/api-tokens/:token_id`), never the path a client
 * sent, and requests matching no route share one `unmatched` value.
 */
export function registerHttpMetrics(app: FastifyInstance, registry: Registry): void {
  const duration = metric(registry, metricCatalogue.http.serverDuration);
  // A callback hook: an async one would cost every request a promise for synchronous work.
  app.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? 'unmatched';
    const method = route === 'unmatched' ? 'other' : request.method;
    duration.observe({ method, route, status: String(reply.statusCode) }, reply.elapsedTime / 1000);
    done();
  });
}
