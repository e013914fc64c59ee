import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateAssertionKeyPair } from '@causeloop/platform/identity';
import {
  createTestDatabase,
  runServiceProcessToExit,
  startServiceProcess,
  uncataloguedMetrics,
  type TestDatabase,
} from '@causeloop/platform/testing';

const repositoryRoot = path.resolve(import.meta.dirname, '../../../..');
// Built by `tsc -b` (npm test runs it first), or `npx tsc -b services/insights`.
const main = path.join(repositoryRoot, 'services/insights/dist/main.js');

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.drop();
});

describe('insights start-up', () => {
  it('refuses to start with missing or malformed settings, naming each in one error', async () => {
    const { code, output } = await runServiceProcessToExit({
      main,
      cwd: repositoryRoot,
      env: {
        NODE_ENV: 'production',
        DATABASE_URL: database.appUrl,
        AUTH_GRPC_ADDR: '127.0.0.1:1',
        PRINCIPAL_ASSERTION_PUBLIC_KEY: 'not a key',
        INSIGHTS_MINER_MAX_CLUSTERS: '5',
      },
    });
    expect(code).toBe(1);
    expect(output).toContain('INSIGHTS_MINER_MAX_CLUSTERS');
  });

  it('refuses a bad assertion key, and no cursor key under production, in one error', async () => {
    const { code, output } = await runServiceProcessToExit({
      main,
      cwd: repositoryRoot,
      env: { NODE_ENV: 'production', DATABASE_URL: database.appUrl, AUTH_GRPC_ADDR: '127.0.0.1:1', PRINCIPAL_ASSERTION_PUBLIC_KEY: 'not a key' },
    });
    expect(code).toBe(1);
    expect(output).toContain('PRINCIPAL_ASSERTION_PUBLIC_KEY must be an Ed25519 public key');
    expect(output).toContain('CURSOR_SIGNING_KEY is required under NODE_ENV=production');
  });

  it('starts with a valid configuration, reports ready and exports only catalogued metrics', async () => {
    const keys = await generateAssertionKeyPair();
    const service = await startServiceProcess({
      main,
      cwd: repositoryRoot,
      env: {
        NODE_ENV: 'test',
        LOG_LEVEL: 'info',
        DATABASE_URL: database.appUrl,
        AUTH_GRPC_ADDR: '127.0.0.1:1',
        PRINCIPAL_ASSERTION_PUBLIC_KEY: keys.publicKeyPem,
      },
    });
    try {
      expect((await fetch(`${service.opsUrl}/ready`)).status).toBe(200);
      expect(uncataloguedMetrics(await (await fetch(`${service.opsUrl}/metrics`)).text())).toEqual([]);
    } finally {
      await service.stop();
    }
  });
});
