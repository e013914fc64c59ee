import path from 'node:path';
import { AuthService } from '@causeloop/proto/causeloop/auth/v1/auth_pb.js';
import { createGrpcClient } from '@causeloop/platform/grpc';
import { generateAssertionKeyPair } from '@causeloop/platform/identity';
import {
  createTestDatabase,
  runServiceProcessToExit,
  startServiceProcess,
  uncataloguedMetrics,
  type TestDatabase,
} from '@causeloop/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { developmentJwtSecret } from '../../src/development-secret.js';

const repositoryRoot = path.resolve(import.meta.dirname, '../../../..');
// Built by `tsc -b` (npm test runs it first), or `npx tsc -p services/auth/tsconfig.json`.
const main = path.join(repositoryRoot, 'services/auth/dist/main.js');
const goodSecret = 'a-production-jwt-secret-of-forty-bytes!!';

let database: TestDatabase;
let assertionKey: string;

beforeAll(async () => {
  database = await createTestDatabase();
  assertionKey = (await generateAssertionKeyPair()).privateKeyPem;
});

afterAll(async () => {
  await database?.drop();
});

const auth = (environment: Record<string, string>) => ({
  main,
  cwd: repositoryRoot,
  env: { LOG_LEVEL: 'info', DATABASE_URL: database.appUrl, PRINCIPAL_ASSERTION_PRIVATE_KEY: assertionKey, ...environment },
});

describe('the auth service as a real process', () => {
  it('starts under production with a real secret, is ready, serves, and answers exchange with unavailable without an IdP', async () => {
    const running = await startServiceProcess(auth({ NODE_ENV: 'production', JWT_SECRET: goodSecret }));
    try {
      const ready = await fetch(`${running.opsUrl}/ready`);
      expect(ready.status).toBe(200);
      const client = createGrpcClient(AuthService, { address: running.grpcAddress, defaultDeadlineMs: 5_000 });
      await expect(client.exchangeToken({ subjectToken: 'dev:ada@example.com' })).rejects.toMatchObject({ code: 'unavailable' });
      await expect(client.authenticate({ token: 'clp_pat_bad' })).rejects.toMatchObject({ code: 'unauthenticated' });
      client.close();
      const metrics = await (await fetch(`${running.opsUrl}/metrics`)).text();
      expect(uncataloguedMetrics(metrics)).toEqual([]);
      expect(metrics).toMatch(/causeloop_auth_authentications_total\{site="auth",kind="personal_access",outcome="malformed",service="auth"\} 1/);
      expect(JSON.stringify(running.lines)).not.toContain(goodSecret);
    } finally {
      running.child.kill('SIGKILL');
    }
  });

  const refusals: [string, Record<string, string>, string][] = [
    ['a short JWT_SECRET under production', { NODE_ENV: 'production', JWT_SECRET: 'short-secret' }, 'JWT_SECRET must be at least 32 bytes long'],
    ['a short JWT_SECRET in development too', { NODE_ENV: 'development', JWT_SECRET: 'short-secret' }, 'JWT_SECRET must be at least 32 bytes long'],
    ['no JWT_SECRET under production', { NODE_ENV: 'production' }, 'JWT_SECRET is required when NODE_ENV=production'],
    [
      'the development JWT_SECRET under production',
      { NODE_ENV: 'production', JWT_SECRET: developmentJwtSecret },
      'JWT_SECRET is the published development secret',
    ],
    [
      'half an identity-provider configuration',
      { NODE_ENV: 'production', JWT_SECRET: goodSecret, IDP_JWKS_URL: 'https://idp.example/jwks.json' },
      'IDP_JWKS_URL, IDP_ISSUER and IDP_AUDIENCE must be set together',
    ],
    [
      'an assertion key that is not Ed25519',
      { NODE_ENV: 'production', JWT_SECRET: goodSecret, PRINCIPAL_ASSERTION_PRIVATE_KEY: 'not a key' },
      'PRINCIPAL_ASSERTION_PRIVATE_KEY must be an Ed25519 private key',
    ],
    [
      'no principal-assertion key under production',
      { NODE_ENV: 'production', JWT_SECRET: goodSecret, PRINCIPAL_ASSERTION_PRIVATE_KEY: '' },
      'PRINCIPAL_ASSERTION_PRIVATE_KEY or PRINCIPAL_ASSERTION_PRIVATE_KEY_FILE is required when NODE_ENV=production',
    ],
  ];

  it('starts in development without an assertion key, on a throwaway one, and says so', async () => {
    const running = await startServiceProcess(auth({ NODE_ENV: 'development', JWT_SECRET: goodSecret, PRINCIPAL_ASSERTION_PRIVATE_KEY: '' }));
    try {
      expect(running.lines.some((line) => String(line['message']).includes('throwaway key'))).toBe(true);
    } finally {
      running.child.kill('SIGKILL');
    }
  });

  it.each(refusals)('refuses to start with %s, naming the variable and not the value', async (_, environment, expected) => {
    const { code, output } = await runServiceProcessToExit(auth(environment));
    expect(code).toBe(1);
    expect(output).toContain(expected);
    if (environment['JWT_SECRET'] !== undefined) expect(output).not.toContain(environment['JWT_SECRET']);
  });
});
