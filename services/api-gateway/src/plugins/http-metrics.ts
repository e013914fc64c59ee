import type { FastifyInstance } from 'fastify';
import { Histogram, type Registry } from '@causeloop/platform/metrics';

export const httpDurationMetricName = 'http_server_request_duration_seconds';

// From a cached authentication and one gRPC hop (milliseconds) to a backend deadline.
const durationBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * Request durations by method, route template and status (DESIGN §8). Labels stay bounded:
 * the route is the declared template (`/v1/api-tokens/:token_id`), never the path a client
 * sent, and requests matching no route share one `unmatched` value.
 */
export function registerHttpMetrics(app: FastifyInstance, registry: Registry): void {
  const duration = new Histogram({
    name: httpDurationMetricName,
    help: 'Time from receiving an HTTP request to sending its answer.',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: durationBuckets,
    registers: [registry],
  });
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    const method = route === 'unmatched' ? 'other' : request.method;
    duration.observe({ method, route, status: String(reply.statusCode) }, reply.elapsedTime / 1000);
  });
}
