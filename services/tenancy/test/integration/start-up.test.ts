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
// Built by `tsc -b` (npm test runs it first), or `npx tsc -b services/tenancy`.
const main = path.join(repositoryRoot, 'services/tenancy/dist/main.js');

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.drop();
});

describe('tenancy start-up', () => {
  it('refuses to start with missing or malformed settings, naming each in one error and echoing no secret', async () => {
    const cursorKey = 'a-cursor-signing-key-that-is-long-enough-0123456789';
    const { code, output } = await runServiceProcessToExit({
      main,
      cwd: repositoryRoot,
      env: {
        NODE_ENV: 'production',
        DATABASE_URL: database.appUrl,
        AUTH_GRPC_ADDR: '127.0.0.1:1',
        CRYPTO_GRPC_ADDR: '127.0.0.1:1',
        PRINCIPAL_ASSERTION_PUBLIC_KEY: 'not a key',
        OPERATOR_TOKEN_SHA256: 'abc',
        CURSOR_SIGNING_KEY: cursorKey,
      },
    });
    expect(code).toBe(1);
    expect(output).toContain('PRINCIPAL_ASSERTION_PUBLIC_KEY');
    expect(output).toContain('OPERATOR_TOKEN_SHA256');
    // The governance key is part of the same configuration: required under production.
    expect(output).toContain('GOVERNANCE_SIGNING_KEY or GOVERNANCE_SIGNING_KEY_FILE is required');
    expect(output).not.toContain(cursorKey);
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
        CRYPTO_GRPC_ADDR: '127.0.0.1:1',
        PRINCIPAL_ASSERTION_PUBLIC_KEY: keys.publicKeyPem,
        OPERATOR_TOKEN_SHA256: 'a'.repeat(64),
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
