import { baseConfigSchema, env } from '@causeloop/platform';

export const gatewayConfigSchema = {
  ...baseConfigSchema,
  httpHost: env.string('HTTP_HOST', { default: '0.0.0.0' }),
  httpPort: env.port('HTTP_PORT', { default: 8080 }),
  /** The auth service's gRPC address, e.g. `dns:///auth:50051`. */
  authGrpcAddr: env.string('AUTH_GRPC_ADDR'),
  /** Deadline of every backend call made for an HTTP request. */
  backendDeadlineMs: env.integer('BACKEND_DEADLINE_MS', { default: 10_000, min: 100, max: 120_000 }),
  httpBodyLimitBytes: env.integer('HTTP_BODY_LIMIT_BYTES', { default: 1024 * 1024, min: 1024, max: 64 * 1024 * 1024 }),
  /** CIDRs (or addresses) of proxies whose X-Forwarded-For is believed; nobody's by default. */
  trustedProxies: env.list('TRUSTED_PROXIES', { default: [] }),
  /** Requests per minute per client address (DESIGN §7: 1,000 across all routes). */
  rateLimitPerClient: env.integer('RATE_LIMIT_PER_CLIENT_PER_MINUTE', { default: 1_000, min: 1, max: 1_000_000 }),
  /** Requests per minute per authenticated principal. */
  rateLimitPerPrincipal: env.integer('RATE_LIMIT_PER_PRINCIPAL_PER_MINUTE', { default: 600, min: 1, max: 1_000_000 }),
};
