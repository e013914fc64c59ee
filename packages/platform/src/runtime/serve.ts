import type { Pool } from 'pg';
import { assertAppRole } from '../db/assert-app-role.js';
import { createPool } from '../db/create-pool.js';
import type { GrpcServer } from '../grpc/create-grpc-server.js';
import { createOpsServer } from '../ops/create-ops-server.js';
import type { ServiceRuntime } from './create-service-runtime.js';

/**
 * Serves `/health`, `/ready` and `/metrics`. Start it before anything else (probes answer
 * while the rest starts) and it closes last, after the drain.
 */
export async function serveOps(runtime: ServiceRuntime, options: { port: number; host?: string }): Promise<number> {
  const server = createOpsServer(runtime);
  const port = await server.listen(options);
  runtime.lifecycle.onShutdown('ops server', () => server.close());
  return port;
}

/**
 * Starts the gRPC server and ties it to the lifecycle: on shutdown its health goes
 * NOT_SERVING with readiness, then in-flight calls drain until the shared deadline.
 */
export async function serveGrpc(
  runtime: ServiceRuntime,
  server: GrpcServer,
  options: { port: number; host: string },
): Promise<number> {
  const port = await server.start(options);
  runtime.lifecycle.onBeforeShutdown('grpc health', () => server.setServing(false));
  runtime.lifecycle.onDrain('grpc server', (deadline) => server.drain(Math.max(0, deadline.getTime() - Date.now())));
  return port;
}

/**
 * Opens the app-role pool and refuses to go on when the role would not be bound by
 * Row-Level Security (superuser, BYPASSRLS, or owning tables). The pool becomes a
 * readiness check and is closed after the drain.
 */
export async function connectDatabase(
  runtime: ServiceRuntime,
  options: { databaseUrl: string; max: number },
): Promise<Pool> {
  const pool = createPool({
    connectionString: options.databaseUrl,
    applicationName: runtime.service,
    max: options.max,
    logger: runtime.logger,
  });
  try {
    await assertAppRole(pool);
  } catch (error) {
    await pool.end();
    throw error;
  }
  runtime.readiness.register('database', async () => void (await pool.query('select 1')));
  runtime.lifecycle.onShutdown('database pool', () => pool.end());
  return pool;
}
