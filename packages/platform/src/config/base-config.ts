import { env } from './env-var.js';

/** Log levels pino accepts, for LOG_LEVEL. */
export const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/**
 * Variables every service reads (DESIGN.md §3, §9). A service spreads these into its own
 * schema: `loadConfig({ ...baseConfigSchema, databaseUrl: env.url('DATABASE_URL', …) })`.
 */
export const baseConfigSchema = {
  nodeEnv: env.oneOf('NODE_ENV', ['development', 'test', 'production'], { default: 'development' }),
  logLevel: env.oneOf('LOG_LEVEL', logLevels, { default: 'info' }),
  opsPort: env.port('OPS_PORT', { default: 9090 }),
  /** How long SIGTERM waits for in-flight calls before cutting them. */
  shutdownDrainMs: env.integer('SHUTDOWN_DRAIN_MS', { default: 10_000, min: 0, max: 300_000 }),
};

export const grpcServerConfigSchema = {
  grpcHost: env.string('GRPC_HOST', { default: '0.0.0.0' }),
  grpcPort: env.port('GRPC_PORT', { default: 50051 }),
};

export const databaseConfigSchema = {
  databaseUrl: env.url('DATABASE_URL', { protocols: ['postgres:', 'postgresql:'], secret: true }),
  databasePoolMax: env.integer('DATABASE_POOL_MAX', { default: 10, min: 1, max: 200 }),
};
