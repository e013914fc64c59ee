import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Pool } from 'pg';
import { CryptoService } from '@causeloop/proto/causeloop/crypto/v1/crypto_pb.js';
import { withClient, withTenant } from '@causeloop/platform/db';
import { createEnvelope } from '@causeloop/platform/envelope';
import { createGrpcClient, type GrpcClient } from '@causeloop/platform/grpc';
import {
  createTestDatabase,
  seedWorkspace,
  startServiceProcess,
  type ServiceProcess,
  type TestDatabase,
} from '@causeloop/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rotateDataKeys } from '../src/kek/rotate-data-keys.js';

const run = promisify(execFile);
const repositoryRoot = path.resolve(import.meta.dirname, '../..');
const cli = path.join(repositoryRoot, 'scripts/dist/causeloop.js');
const workspaceCount = 1_000;
const key = (): string => randomBytes(32).toString('base64');
const location = (workspaceId: string) => ({ workspaceId, table: 'connectors', column: 'config_encrypted' });

/** Runs `work` over `items`, `width` at a time. */
async function inParallel<T, R>(items: readonly T[], width: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const lane = async (): Promise<void> => {
    for (let index = next++; index < items.length; index = next++) results[index] = await work(items[index]!);
  };
  await Promise.all(Array.from({ length: width }, lane));
  return results;
}

describe('KEK rotation (npm run causeloop -- kek rotate)', () => {
  let database: TestDatabase;
  let directory: string;
  let keyFile: string;
  let crypto: ServiceProcess;
  let client: GrpcClient<typeof CryptoService>;
  let appPool: Pool;
  let ownerPool: Pool;
  const [k1, k2] = [key(), key()];
  const secrets = new Map<string, Buffer>();

  /** How many data keys each KEK version wraps, read as the superuser (the test's view, past RLS). */
  const keysByKekVersion = () =>
    withClient(database.adminUrl, async (admin) => {
      const { rows } = await admin.query<{ kek_version: number; keys: number }>(
        'select kek_version, count(*)::int as keys from workspace_keys group by 1 order by 1',
      );
      return Object.fromEntries(rows.map((row) => [row.kek_version, row.keys]));
    });

  beforeAll(async () => {
    database = await createTestDatabase();
    directory = await mkdtemp(path.join(tmpdir(), 'causeloop-kek-'));
    keyFile = path.join(directory, 'master-key');
    await writeFile(keyFile, `1:${k1}\n`, { mode: 0o600 });
    crypto = await startServiceProcess({
      main: path.join(repositoryRoot, 'services/crypto/dist/main.js'),
      cwd: repositoryRoot,
      env: { CAUSELOOP_MASTER_KEY_FILE: keyFile, CAUSELOOP_MASTER_KEY_RELOAD_MS: '100' },
      keepLines: false,
    });
    client = createGrpcClient(CryptoService, { address: crypto.grpcAddress, defaultDeadlineMs: 10_000 });
    appPool = database.pool({ applicationName: 'kek-test', max: 8 });
    ownerPool = database.pool({ applicationName: 'kek-test-owner', max: 2, role: 'owner' });

    // 1,000 workspaces, each with a data key wrapped by KEK 1 and one secret sealed with it.
    const envelope = createEnvelope({ crypto: client });
    const workspaces = await inParallel(Array.from({ length: workspaceCount }, (_, i) => i), 8, (i) =>
      seedWorkspace(appPool, `Workspace ${i}`),
    );
    await inParallel(workspaces, 8, async (workspaceId) => {
      const sealed = await withTenant(appPool, workspaceId, (tenant) =>
        envelope.encrypt(tenant, location(workspaceId), `secret of ${workspaceId}`),
      );
      secrets.set(workspaceId, sealed);
    });
  }, 240_000);

  afterAll(async () => {
    client?.close();
    await crypto?.stop();
    await database?.drop();
    await rm(directory, { recursive: true, force: true });
  });

  it('rewraps every key onto a new primary, survives a crash half-way, and old KEKs can then go', async () => {
    expect(await keysByKekVersion()).toEqual({ 1: workspaceCount });

    // The operator adds KEK 2 to the mounted secret; the highest version becomes primary.
    await writeFile(keyFile, `1:${k1}\n2:${k2}\n`);
    await expect.poll(async () => (await client.getKeyringStatus({})).primaryVersion, { timeout: 5_000 }).toBe(2);

    // A first run dies after three batches of 100 workspaces.
    const crashed = rotateDataKeys({
      ownerPool,
      crypto: client,
      batchSize: 100,
      onProgress: (progress) => {
        if (progress.workspacesDone >= 300) throw new Error('simulated crash');
      },
    });
    await expect(crashed).rejects.toThrow('simulated crash');
    expect(await keysByKekVersion()).toEqual({ 1: 700, 2: 300 });

    // The rerun, as the operator types it, finishes the job and says what can be retired.
    const { stdout } = await run(process.execPath, [cli, 'kek', 'rotate', '--batch-size', '100'], {
      cwd: repositoryRoot,
      env: { PATH: process.env.PATH ?? '', DATABASE_OWNER_URL: database.ownerUrl, CRYPTO_GRPC_ADDR: crypto.grpcAddress },
    });
    expect(stdout).toContain('rewrapped: 100/1000 workspaces');
    expect(stdout).toContain('done: 700 keys rewrapped onto KEK version 2, 300 already on it, 0 failed');
    expect(stdout).toContain('KEK version 2 wraps 1000 keys');
    expect(stdout).toContain('KEK versions nothing depends on any more (safe to retire): 1');
    expect(stdout).not.toContain(k1);
    expect(stdout).not.toContain(k2);
    expect(await keysByKekVersion()).toEqual({ 2: workspaceCount });

    // KEK 1 leaves the secret entirely: every secret still opens, through fresh caches.
    await writeFile(keyFile, `2:${k2}\n`);
    await expect
      .poll(async () => (await client.getKeyringStatus({})).versions.map((entry) => entry.version), { timeout: 5_000 })
      .toEqual([2]);
    const envelope = createEnvelope({ crypto: client });
    const opened = await inParallel([...secrets], 8, ([workspaceId, sealed]) =>
      withTenant(appPool, workspaceId, async (tenant) =>
        (await envelope.decrypt(tenant, location(workspaceId), sealed)).toString('utf8') === `secret of ${workspaceId}`,
      ),
    );
    expect(opened.filter(Boolean)).toHaveLength(workspaceCount);
  }, 240_000);

  it('is a no-op when every key is already on the primary', async () => {
    const report = await rotateDataKeys({ ownerPool, crypto: client, batchSize: 500 });
    expect(report).toMatchObject({ primaryVersion: 2, workspaces: workspaceCount, keysRewrapped: 0, keysAlreadyCurrent: workspaceCount });
    expect(report.keysFailed).toEqual([]);
  });

  it('prints the keyring without key material, and new KEK entries to add', async () => {
    const status = await run(process.execPath, [cli, 'kek', 'status'], {
      cwd: repositoryRoot,
      env: { PATH: process.env.PATH ?? '', CRYPTO_GRPC_ADDR: crypto.grpcAddress },
    });
    expect(status.stdout).toMatch(/^version 2 {2}fingerprint [0-9a-f]{16} {2}\(primary\)$/m);
    expect(status.stdout).not.toContain(k2);

    const generated = await run(process.execPath, [cli, 'kek', 'generate', '3'], { cwd: repositoryRoot });
    const [version, material] = generated.stdout.trim().split(':');
    expect(version).toBe('3');
    expect(Buffer.from(material!, 'base64')).toHaveLength(32);
  });

  it('refuses an unknown command with its usage', async () => {
    const failure = await run(process.execPath, [cli, 'kek', 'spin'], { cwd: repositoryRoot }).catch(
      (error: { code: number; stderr: string }) => error,
    );
    expect(failure).toMatchObject({ code: 1, stderr: expect.stringContaining('usage: npm run causeloop -- kek') });
  });
});
