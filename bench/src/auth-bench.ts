import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { jwtVerify } from 'jose';
import { uuidv7 } from 'uuidv7';
import { AuthService } from '@causeloop/proto/causeloop/auth/v1/auth_pb.js';
import { createPool, withClient, withTenant } from '@causeloop/platform/db';
import { createGrpcClient } from '@causeloop/platform/grpc';
import { generateAssertionKeyPair } from '@causeloop/platform/identity';
import { startServiceProcess } from '@causeloop/platform/service-process';
import { withBenchDatabase } from './bench-database.js';
import { measure, report } from './measure.js';

const total = 10_000;
const concurrency = 16;
const workspaceId = '0190a1b2-c3d4-7e5f-8a6b-7c8d9e0f1a2b';
const jwtSecret = randomBytes(32).toString('base64url');

const repositoryRoot = path.resolve(import.meta.dirname, '../..');
const authMain = path.join(repositoryRoot, 'services/auth/dist/main.js');

/**
 * What `Authenticate` costs, against the auth service in its own process (real gRPC over
 * loopback, its own pool to an embedded PostgreSQL): a personal access token (checksum,
 * definer hash lookup, withTenant checks, throttled last-used write, assertion signing)
 * and an HS256 access token (verify, assertion signing; no database). Baseline: `jose`
 * HS256 verify of the same access token alone, in this process.
 */
export async function benchAuth(): Promise<void> {
  await withBenchDatabase(async ({ ownerUrl, appUrl }) => {
    const userId = uuidv7();
    await withClient(ownerUrl, (client) =>
      client.query(`insert into users (id, email, display_name) values ($1, 'bench@example.com', 'Bench')`, [userId]),
    );
    const pool = createPool({ connectionString: appUrl, applicationName: 'bench', max: 2 });
    await withTenant(pool, workspaceId, async (client) => {
      await client.query(`insert into workspaces (id, name) values ($1, 'Bench')`, [workspaceId]);
      await client.query(`insert into workspace_members (workspace_id, user_id, role) values ($1, $2, 'analyst')`, [workspaceId, userId]);
    });
    await pool.end();

    const service = await startServiceProcess({
      main: authMain,
      cwd: repositoryRoot,
      // Development local mode (dev:<email>) signs the bench user in without an IdP.
      env: {
        NODE_ENV: 'development',
        LOG_LEVEL: 'info',
        JWT_SECRET: jwtSecret,
        DATABASE_URL: appUrl,
        DATABASE_POOL_MAX: String(concurrency),
        PRINCIPAL_ASSERTION_PRIVATE_KEY: (await generateAssertionKeyPair()).privateKeyPem,
      },
      keepLines: false,
    });
    const client = createGrpcClient(AuthService, { address: service.grpcAddress, defaultDeadlineMs: 30_000 });
    try {
      const { accessToken } = await client.exchangeToken({ subjectToken: 'dev:bench@example.com' });
      const { secret } = await client.createPersonalAccessToken(
        { name: 'bench', scopes: ['issues:read'] },
        { metadata: { authorization: `Bearer ${accessToken}` } },
      );

      const key = new TextEncoder().encode(jwtSecret);
      const options = { algorithms: ['HS256'], issuer: 'causeloop', audience: 'causeloop-api' };
      const baseline = await measure('jose HS256 verify alone (in-process)', () => jwtVerify(accessToken, key, options), {
        total: total * 5,
        concurrency: 1,
      });
      const access = await measure(`Authenticate, HS256 access token (${concurrency} in flight)`, () => client.authenticate({ token: accessToken }), {
        total,
        concurrency,
      });
      const pat = await measure(`Authenticate, personal access token (${concurrency} in flight)`, () => client.authenticate({ token: secret }), {
        total,
        concurrency,
      });
      report('Auth service Authenticate (service in its own process, embedded PostgreSQL)', baseline, [access, pat]);
    } finally {
      client.close();
      await service.stop();
    }
  });
}
