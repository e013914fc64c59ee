import { baseConfigSchema, databaseConfigSchema, env, optional, type ConfigOf } from '@causeloop/platform/config';
import { CauseloopError } from '@causeloop/platform/errors';

export const gatewayConfigSchema = {
  ...baseConfigSchema,
  // The gateway's only state in PostgreSQL is idempotency keys (DESIGN §1), as causeloop_app.
  ...databaseConfigSchema,
  httpHost: env.string('HTTP_HOST', { default: '0.0.0.0' }),
  /** Plain HTTP, served when no TLS certificate is configured. */
  httpPort: env.port('HTTP_PORT', { default: 8080 }),
  /** HTTPS (HTTP/2 and HTTP/1.1), served instead of HTTP_PORT when a certificate is configured. */
  httpsPort: env.port('HTTPS_PORT', { default: 8443 }),
  /** PEM certificate chain and key; both or neither. Renewed files are picked up without a restart. */
  tlsCertFile: optional(env.string('TLS_CERT_FILE')),
  tlsKeyFile: optional(env.string('TLS_KEY_FILE')),
  /** Browser origins allowed by CORS, exactly; none by default. */
  corsOrigins: env.origins('CORS_ORIGINS', { default: [] }),
  /** The auth service's gRPC address, e.g. `dns:///auth:50051`. */
  authGrpcAddr: env.string('AUTH_GRPC_ADDR'),
  /** The tenancy service's gRPC address; unset, its routes (workspaces, members) are not served. */
  tenancyGrpcAddr: optional(env.string('TENANCY_GRPC_ADDR')),
  /** The insights service's gRPC address; unset, its routes (ingest, issues, patterns) are not served. */
  insightsGrpcAddr: optional(env.string('INSIGHTS_GRPC_ADDR')),
  /** Deadline of every backend call made for an HTTP request. */
  backendDeadlineMs: env.integer('BACKEND_DEADLINE_MS', { default: 10_000, min: 100, max: 120_000 }),
  httpBodyLimitBytes: env.integer('HTTP_BODY_LIMIT_BYTES', { default: 1024 * 1024, min: 1024, max: 64 * 1024 * 1024 }),
  /** CIDRs (or addresses) of proxies whose X-Forwarded-For is believed; nobody's by default. */
  trustedProxies: env.list('TRUSTED_PROXIES', { default: [] }),
  /** Requests per minute per client address (DESIGN §7: 1,000 across all routes). */
  rateLimitPerClient: env.integer('RATE_LIMIT_PER_CLIENT_PER_MINUTE', { default: 1_000, min: 1, max: 1_000_000 }),
  /** Requests per minute per authenticated principal. */
  rateLimitPerPrincipal: env.integer('RATE_LIMIT_PER_PRINCIPAL_PER_MINUTE', { default: 600, min: 1, max: 1_000_000 }),
  /** Shares the rate limits across replicas; unset keeps them in memory, per replica. Carries a password: secret. */
  redisUrl: optional(env.url('REDIS_URL', { protocols: ['redis:', 'rediss:'], secret: true })),
  /** When Redis fails: `open` limits per replica in memory, `closed` answers 503. */
  rateLimitRedisFailure: env.oneOf('RATE_LIMIT_REDIS_FAILURE', ['open', 'closed'], { default: 'open' }),
};

export type GatewayConfig = ConfigOf<typeof gatewayConfigSchema>;

/** Checks what one variable alone cannot: a certificate needs its key, and the other way round. */
export function resolveGatewayConfig(config: GatewayConfig): GatewayConfig & { readonly tls: { certFile: string; keyFile: string } | undefined } {
  const { tlsCertFile: certFile, tlsKeyFile: keyFile } = config;
  if ((certFile === undefined) !== (keyFile === undefined)) {
    throw new CauseloopError('config_invalid', 'set both TLS_CERT_FILE and TLS_KEY_FILE to serve HTTPS, or neither to serve plain HTTP');
  }
  return { ...config, tls: certFile !== undefined && keyFile !== undefined ? { certFile, keyFile } : undefined };
}
