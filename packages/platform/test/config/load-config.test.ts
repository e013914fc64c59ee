import { describe, expect, it } from 'vitest';
import { env, loadConfig, optional } from '@causeloop/platform/config';
import { isCauseloopError } from '@causeloop/platform/errors';

const schema = {
  port: env.port('GRPC_PORT', { default: 50051 }),
  databaseUrl: env.url('DATABASE_URL', { protocols: ['postgres:', 'postgresql:'], secret: true }),
  jwtSecret: env.secret('JWT_SECRET', { minLength: 32 }),
  logLevel: env.oneOf('LOG_LEVEL', ['info', 'debug'], { default: 'info' }),
  drainMs: env.integer('SHUTDOWN_DRAIN_MS', { default: 10_000, min: 0, max: 60_000 }),
  origins: env.origins('CORS_ORIGINS', { default: [] }),
  redisUrl: optional(env.url('REDIS_URL', { protocols: ['redis:', 'rediss:'] })),
};

function captureError(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected loadConfig to throw');
}

describe('loadConfig', () => {
  it('returns typed, frozen values with defaults applied', () => {
    const config = loadConfig(schema, {
      DATABASE_URL: 'postgres://app:pw@db:5432/causeloop',
      JWT_SECRET: 'x'.repeat(32),
      CORS_ORIGINS: 'https://a.example, https://b.example,',
    });
    expect(config).toEqual({
      port: 50051,
      databaseUrl: 'postgres://app:pw@db:5432/causeloop',
      jwtSecret: 'x'.repeat(32),
      logLevel: 'info',
      drainMs: 10_000,
      origins: ['https://a.example', 'https://b.example'],
      redisUrl: undefined,
    });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('names every missing or malformed variable in one error', () => {
    const error = captureError(() =>
      loadConfig(schema, {
        GRPC_PORT: '70000',
        JWT_SECRET: 'short-secret-value',
        LOG_LEVEL: 'loud',
        SHUTDOWN_DRAIN_MS: '1.5',
        REDIS_URL: 'http://cache:6379',
      }),
    );
    expect(isCauseloopError(error)).toBe(true);
    if (!isCauseloopError(error)) return;
    expect(error.code).toBe('config_invalid');
    expect(error.violations.map((violation) => violation.field)).toEqual([
      'GRPC_PORT',
      'DATABASE_URL',
      'JWT_SECRET',
      'LOG_LEVEL',
      'SHUTDOWN_DRAIN_MS',
      'REDIS_URL',
    ]);
    expect(error.message).toContain('GRPC_PORT must be a port number (0-65535), got "70000"');
    expect(error.message).toContain('DATABASE_URL is required');
    expect(error.message).toContain('JWT_SECRET must be at least 32 characters long');
    expect(error.message).toContain('REDIS_URL must use redis or rediss, got http');
  });

  it('never echoes a secret value in the error', () => {
    const error = captureError(() =>
      loadConfig(schema, { DATABASE_URL: 'not a url with hunter2', JWT_SECRET: 'hunter2-too-short' }),
    );
    expect(String((error as Error).message)).not.toContain('hunter2');
  });

  it('treats an empty variable as unset', () => {
    const error = captureError(() => loadConfig(schema, { DATABASE_URL: '  ', JWT_SECRET: 'x'.repeat(40) }));
    expect((error as Error).message).toContain('DATABASE_URL is required');
  });

  it('takes CORS origins only as exact origins, never wildcards or paths', () => {
    const base = { DATABASE_URL: 'postgres://db/causeloop', JWT_SECRET: 'x'.repeat(32) };
    expect(loadConfig(schema, { ...base, CORS_ORIGINS: 'https://app.example, http://localhost:3000' }).origins).toEqual([
      'https://app.example',
      'http://localhost:3000',
    ]);
    for (const bad of ['*', 'https://*.example', 'https://app.example/', 'app.example', 'null', 'ftp://app.example']) {
      const error = captureError(() => loadConfig(schema, { ...base, CORS_ORIGINS: bad }));
      expect((error as Error).message, bad).toContain('CORS_ORIGINS must list origins');
    }
  });
});
