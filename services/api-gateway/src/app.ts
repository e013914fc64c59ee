import type { Http2SecureServer } from 'node:http2';
import Fastify, { type FastifyHttp2SecureOptions, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { Logger } from '@causeloop/platform/log';
import type { Registry } from '@causeloop/platform/metrics';
import { CauseloopError } from '@causeloop/platform/errors';
import type { Authenticator } from '@causeloop/platform/identity';
import type { FrontedService } from './fronted-service.js';
import { refuseIdempotencyKeys, registerIdempotency, type IdempotencyOptions } from './idempotency/idempotent-requests.js';
import { buildOpenApi } from './openapi/build-openapi.js';
import { registerCors } from './plugins/cors.js';
import { registerHttpMetrics } from './plugins/http-metrics.js';
import { applyEdgeHeaders, registerEdgeHeaders, requestIdFor } from './plugins/edge-headers.js';
import { registerProblemDetails, sendProblem } from './plugins/problem-details.js';
import { registerTraceContext } from './plugins/trace-context.js';
import { registerDescriptorRoutes } from './routes/from-descriptors.js';
import { collectRoutedRpcs } from './routes/http-rules.js';
import { registerOpenApiRoutes } from './routes/openapi-routes.js';
import { registerRateLimit, type RateLimitOptions } from './rate-limit/index.js';

export interface AppDeps {
  /** The backends whose RPCs carry HTTP rules (today AuthService). */
  readonly services: readonly FrontedService[];
  /** Resolves bearer tokens; in production the cached wrapper around auth's `Authenticate`. */
  readonly authenticator: Authenticator;
  readonly logger?: Logger;
  /** Deadline of each backend call. Default 10 s. */
  readonly backendDeadlineMs?: number;
  /** Largest request body; larger ones get 413. Default 1 MiB (DESIGN §7). */
  readonly bodyLimitBytes?: number;
  readonly version?: string;
  /** Terminates TLS (HTTP/2 with HTTP/1.1 fallback, TLS 1.2+) when given; plain HTTP/1.1 otherwise. */
  readonly tls?: { readonly cert: Buffer; readonly key: Buffer };
  /** Browser origins allowed to call the API (CORS); none by default. */
  readonly corsOrigins?: readonly string[];
  /** Per-client and per-principal limits (DESIGN §7); its 429s are rendered as problems here. */
  readonly rateLimit: Omit<RateLimitOptions, 'sendProblem' | 'registry'>;
  /** Metrics registry of the process (created in `main.ts`, never the global one). */
  readonly registry: Registry;
  /**
   * Idempotency-Key claims; the lease defaults to the backend deadline plus 5 s. Without
   * it (apps built for tests of other concerns) a request carrying a key is refused.
   */
  readonly idempotency?: Omit<IdempotencyOptions, 'logger' | 'leaseMs' | 'registry'> & { readonly leaseMs?: number };
}

/**
 * The whole HTTP API as a fastify instance, not listening: `main.ts` listens, tests use
 * `app.inject()`. Throws when the HTTP rules are invalid or collide.
 */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const routes = collectRoutedRpcs(deps.services);
  const options: FastifyServerOptions = {
    logger: false, // one access concern at a time: errors are logged by the problem handler
    bodyLimit: deps.bodyLimitBytes ?? 1024 * 1024,
    genReqId: requestIdFor,
    requestIdHeader: false,
    // Errors fastify raises before routing (a malformed URL) still answer as problems.
    frameworkErrors: (error, request, reply) => {
      applyEdgeHeaders(reply, request.id);
      return sendProblem(request, reply, error);
    },
  };
  const app =
    deps.tls === undefined
      ? Fastify(options)
      : // HTTP/2 over TLS with HTTP/1.1 for clients without ALPN h2. Typed as the default
        // server: everything here touches only what both request kinds share (headers, and
        // the response's close event and writableEnded).
        (Fastify({
          ...options,
          http2: true,
          https: { allowHTTP1: true, cert: deps.tls.cert, key: deps.tls.key, minVersion: 'TLSv1.2' },
        } as unknown as FastifyHttp2SecureOptions<Http2SecureServer>) as unknown as FastifyInstance);
  // The API speaks JSON only: other bodies are 415, not a string handed to the JSON mapping.
  app.removeContentTypeParser('text/plain');
  registerTraceContext(app);
  registerEdgeHeaders(app);
  registerHttpMetrics(app, deps.registry);
  await registerCors(app, deps.corsOrigins ?? []);
  registerProblemDetails(app, deps.logger);
  // Before any route: every request, unknown routes included, counts against its client.
  registerRateLimit(app, {
    ...deps.rateLimit,
    registry: deps.registry,
    sendProblem: (request, reply, problem) => void sendProblem(request, reply, new CauseloopError('rate_limited', problem.detail)),
  });
  const deadlineMs = deps.backendDeadlineMs ?? 10_000;
  const idempotency =
    deps.idempotency === undefined
      ? refuseIdempotencyKeys
      : registerIdempotency(app, {
          ...deps.idempotency,
          registry: deps.registry,
          leaseMs: deps.idempotency.leaseMs ?? deadlineMs + 5_000,
          ...(deps.logger === undefined ? {} : { logger: deps.logger }),
        });
  registerDescriptorRoutes(app, routes, { authenticator: deps.authenticator, deadlineMs, idempotency });
  registerOpenApiRoutes(app, buildOpenApi(routes, { version: deps.version }));
  await app.ready();
  return app;
}
