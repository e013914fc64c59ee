import { AuthService } from '@causeloop/proto/causeloop/auth/v1/auth_pb.js';
import type { Pool } from 'pg';
import { createMetricsRegistry, type Registry } from '@causeloop/platform/metrics';
import { withClient } from '@causeloop/platform/db';
import { createGrpcClient, type GrpcClient } from '@causeloop/platform/grpc';
import { generateAssertionKeyPair, type AssertionKeyPair } from '@causeloop/platform/identity';
import { serveOnLoopback, startLocalIdentityProvider, type LocalIdentityProvider, type TestDatabase } from '@causeloop/platform/testing';
import type { AuthDepsConfig } from '../../src/create-deps.js';
import { createAuthDeps } from '../../src/create-deps.js';
import { createAuthMetrics } from '../../src/metrics.js';
import { createAuthService } from '../../src/service.js';

export const testJwtSecret = 'test-jwt-secret-with-at-least-thirty-two-bytes!';

export interface RunningAuth {
  readonly client: GrpcClient<typeof AuthService>;
  readonly pool: Pool;
  readonly registry: Registry;
  readonly idp: LocalIdentityProvider | undefined;
  readonly keys: AssertionKeyPair;
  /** Queries and connections the service's pool has served (to prove "no database hit"). */
  readonly poolUse: { count: number };
  close(): Promise<void>;
}

/**
 * The auth service on a real gRPC server on loopback, over the test database as the app
 * role, with a local identity provider (a real JWKS over HTTP) unless `idp: false`.
 */
export async function startAuth(
  database: TestDatabase,
  options: { idp?: boolean; unknownKidCooldownSeconds?: number; config?: Partial<AuthDepsConfig> } = {},
): Promise<RunningAuth> {
  const idp = options.idp === false ? undefined : await startLocalIdentityProvider();
  const keys = await generateAssertionKeyPair();
  const pool = database.pool({ applicationName: 'auth-test', max: 5 });
  const poolUse = { count: 0 };
  const query = pool.query.bind(pool) as (...args: unknown[]) => unknown;
  const connect = pool.connect.bind(pool) as (...args: unknown[]) => unknown;
  (pool as unknown as { query: unknown }).query = (...args: unknown[]) => {
    poolUse.count++;
    return query(...args);
  };
  (pool as unknown as { connect: unknown }).connect = (...args: unknown[]) => {
    poolUse.count++;
    return connect(...args);
  };
  const registry = createMetricsRegistry({ service: 'auth' });
  const metrics = createAuthMetrics(registry);
  const config: AuthDepsConfig = {
    nodeEnv: 'test',
    jwtSecret: testJwtSecret,
    accessTokenTtlSeconds: 900,
    refreshTokenTtlSeconds: 3600,
    refreshReuseGraceSeconds: 2,
    identityProvider:
      idp === undefined
        ? undefined
        : {
            jwksUrl: idp.jwksUrl,
            issuer: idp.issuer,
            audience: idp.audience,
            ...(options.unknownKidCooldownSeconds === undefined ? {} : { unknownKidCooldownSeconds: options.unknownKidCooldownSeconds }),
          },
    assertionPrivateKeyPem: keys.privateKeyPem,
    assertionTtlSeconds: 60,
    ...options.config,
  };
  const { deps, assertionVerifier } = createAuthDeps(config, pool, metrics);
  const server = await serveOnLoopback((grpc) => grpc.addService(AuthService, createAuthService(deps, { assertionVerifier, registry })), {
    registry,
  });
  const client = createGrpcClient(AuthService, { address: server.address, defaultDeadlineMs: 10_000 });
  return {
    client,
    pool,
    registry,
    idp,
    keys,
    poolUse,
    async close() {
      client.close();
      await server.close();
      await idp?.close();
    },
  };
}

/** Row counts and last-used times across every identity table, read as the superuser. */
export async function databaseState(database: TestDatabase): Promise<string> {
  return withClient(database.adminUrl, async (client) => {
    const rows = await client.query(
      `select (select count(*) from users) as users,
              (select count(*) from users where idp_subject is not null) as linked,
              (select count(*) from refresh_tokens) as refresh,
              (select count(*) from refresh_tokens where used_at is not null or revoked_at is not null) as refresh_spent,
              (select count(*) from api_tokens) as api,
              (select string_agg(coalesce(last_used_at::text, '-') || coalesce(revoked_at::text, '-'), ',' order by id) from api_tokens) as api_state,
              (select count(*) from audit_log) as audit`,
    );
    return JSON.stringify(rows.rows[0]);
  });
}

/** Runs SQL as the superuser on the test database (test set-up only: expire a token, …). */
export async function asAdmin(database: TestDatabase, sql: string, values: unknown[] = []): Promise<void> {
  await withClient(database.adminUrl, (client) => client.query(sql, values));
}

export const bearer = (token: string) => ({ metadata: { authorization: `Bearer ${token}` } });
