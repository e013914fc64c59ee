import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateAssertionKeyPair } from '@causeloop/platform/identity';
import { createTestDatabase, runServiceProcessToExit, type TestDatabase } from '@causeloop/platform/testing';

// The provider is chosen at start-up and fails closed: naming one without its key stops the
// process with an error that names the missing variable and echoes no key.

const repositoryRoot = path.resolve(import.meta.dirname, '../../../..');
const main = path.join(repositoryRoot, 'services/insights/dist/main.js');

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.drop();
});

describe('LLM provider configuration at start-up', () => {
  it('refuses LLM_PROVIDER=openai without OPENAI_API_KEY, naming it, never echoing the other key', async () => {
    const keys = await generateAssertionKeyPair();
    const { code, output } = await runServiceProcessToExit({
      main,
      cwd: repositoryRoot,
      env: {
        NODE_ENV: 'test',
        DATABASE_URL: database.appUrl,
        AUTH_GRPC_ADDR: '127.0.0.1:1',
        PRINCIPAL_ASSERTION_PUBLIC_KEY: keys.publicKeyPem,
        LLM_PROVIDER: 'openai',
        ANTHROPIC_API_KEY: 'sk-ant-must-never-be-printed',
      },
    });
    expect(code).toBe(1);
    expect(output).toContain('OPENAI_API_KEY is required with LLM_PROVIDER=openai');
    expect(output).not.toContain('sk-ant-must-never-be-printed');
  });
});
