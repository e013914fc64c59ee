import cors from '@fastify/cors';
import type { FastifyInstance } from 'fastify';
import { idempotencyKeyHeader } from '@causeloop/platform/idempotency';

/**
 * CORS from an explicit allowlist (DESIGN §7): an `Origin` is echoed back only when it is
 * exactly one of `origins`, never reflected from the request, and with no list there are no
 * CORS headers at all, so browsers on other sites cannot read answers. Credentials are
 * bearer tokens the page sets itself, so cookies are never allowed across origins.
 */
export async function registerCors(app: FastifyInstance, origins: readonly string[]): Promise<void> {
  if (origins.length === 0) return;
  await app.register(cors, {
    origin: [...origins],
    credentials: false,
    methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
    allowedHeaders: ['authorization', 'content-type', idempotencyKeyHeader, 'x-request-id', 'traceparent'],
    exposedHeaders: ['x-request-id', 'ratelimit', 'ratelimit-policy', 'retry-after', 'idempotency-replayed'],
    maxAge: 600,
  });
}
