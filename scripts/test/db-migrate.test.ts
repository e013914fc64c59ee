import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { createTestDatabase } from '@causeloop/platform/testing';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const repositoryRoot = path.resolve(import.meta.dirname, '../..');
const cli = path.join(repositoryRoot, 'scripts/dist/causeloop.js');

describe('npm run causeloop -- db migrate (what the chart runs before install and upgrade)', () => {
  it('applies the migrations as DATABASE_OWNER_URL, and nothing on a second run', async () => {
    const database = await createTestDatabase({ migrate: false });
    try {
      const migrate = () =>
        run(process.execPath, [cli, 'db', 'migrate'], {
          cwd: repositoryRoot,
          env: { PATH: process.env.PATH ?? '', DATABASE_OWNER_URL: database.ownerUrl },
        });
      expect((await migrate()).stdout).toContain('"message":"migrations applied"');
      expect((await migrate()).stdout).toContain('"message":"database schema is up to date"');
    } finally {
      await database.drop();
    }
  });
});
