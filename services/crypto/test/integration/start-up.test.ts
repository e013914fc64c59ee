import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CryptoService } from '@causeloop/proto/causeloop/crypto/v1/crypto_pb.js';
import { createGrpcClient } from '@causeloop/platform/grpc';
import { runServiceProcessToExit, startServiceProcess, uncataloguedMetrics } from '@causeloop/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { developmentMasterKey } from '../../src/development-key.js';

const repositoryRoot = path.resolve(import.meta.dirname, '../../../..');
// Built by `tsc -b`, which `npm test` runs first.
const main = path.join(repositoryRoot, 'services/crypto/dist/main.js');
const key = (): string => randomBytes(32).toString('base64');

const crypto = (environment: Record<string, string>) => ({
  main,
  cwd: repositoryRoot,
  env: { LOG_LEVEL: 'info', ...environment },
});
const runToExit = (environment: Record<string, string>) => runServiceProcessToExit(crypto(environment));

describe('the crypto service as a real process', () => {
  let directory: string;
  beforeAll(async () => {
    directory = await mkdtemp(path.join(tmpdir(), 'causeloop-crypto-start-'));
  });
  afterAll(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it('starts with a keyring, logs versions and fingerprints only, is ready and serves', async () => {
    const [k1, k2] = [key(), key()];
    const running = await startServiceProcess(
      crypto({ CAUSELOOP_MASTER_KEY: `1:${k1}\n2:${k2}`, CAUSELOOP_MASTER_KEY_PRIMARY: '1' }),
    );
    try {
      const response = await fetch(`${running.opsUrl}/ready`);
      expect(await response.json()).toEqual({ status: 'ready', checks: { startup: 'ok', 'self-test': 'ok' } });
      const client = createGrpcClient(CryptoService, { address: running.grpcAddress, defaultDeadlineMs: 5_000 });
      expect((await client.getKeyringStatus({})).primaryVersion).toBe(1);
      client.close();
      const loaded = running.lines.find((entry) => entry['message'] === 'keyring loaded');
      expect(loaded?.['keyring']).toMatchObject({ primary_version: 1, versions: [{ version: 1 }, { version: 2 }] });
      const output = JSON.stringify(running.lines);
      expect(output).not.toContain(k1);
      expect(output).not.toContain(k2);
    } finally {
      running.child.kill('SIGKILL');
    }
  });

  it('follows CAUSELOOP_MASTER_KEY_FILE: a new version becomes primary without a restart', async () => {
    const file = path.join(directory, 'reloaded');
    const k1 = key();
    await writeFile(file, `1:${k1}\n`);
    const running = await startServiceProcess(crypto({ CAUSELOOP_MASTER_KEY_FILE: file, CAUSELOOP_MASTER_KEY_RELOAD_MS: '100' }));
    try {
      const client = createGrpcClient(CryptoService, { address: running.grpcAddress, defaultDeadlineMs: 5_000 });
      expect((await client.getKeyringStatus({})).primaryVersion).toBe(1);
      await writeFile(file, `1:${k1}\n2:${key()}\n`);
      await expect.poll(async () => (await client.getKeyringStatus({})).primaryVersion, { timeout: 5_000 }).toBe(2);
      const metrics = await (await fetch(`${running.opsUrl}/metrics`)).text();
      expect(uncataloguedMetrics(metrics)).toEqual([]);
      expect(metrics).toMatch(/causeloop_crypto_keyring_reloads_total\{outcome="updated",service="crypto"\} 1/);
      client.close();
    } finally {
      running.child.kill('SIGKILL');
    }
  });

  it('accepts the development key under NODE_ENV=development', async () => {
    const running = await startServiceProcess(crypto({ NODE_ENV: 'development', CAUSELOOP_MASTER_KEY: developmentMasterKey }));
    running.child.kill('SIGKILL');
  });

  const good = key();
  const refusals: [string, () => Promise<Record<string, string>>, string][] = [
    ['no KEK', async () => ({}), 'CAUSELOOP_MASTER_KEY or CAUSELOOP_MASTER_KEY_FILE is required'],
    [
      'both the variable and the file',
      async () => {
        const file = path.join(directory, 'both');
        await writeFile(file, good);
        return { CAUSELOOP_MASTER_KEY: good, CAUSELOOP_MASTER_KEY_FILE: file };
      },
      'CAUSELOOP_MASTER_KEY and CAUSELOOP_MASTER_KEY_FILE are both set',
    ],
    ['bad base64', async () => ({ CAUSELOOP_MASTER_KEY: `1:${good},2:@@@@` }), 'CAUSELOOP_MASTER_KEY version 2 is not valid base64'],
    [
      'a 16-byte key',
      async () => ({ CAUSELOOP_MASTER_KEY: randomBytes(16).toString('base64') }),
      'CAUSELOOP_MASTER_KEY must decode to 32 bytes, got 16',
    ],
    [
      'a duplicate version (in the file)',
      async () => {
        const file = path.join(directory, 'duplicate');
        await writeFile(file, `1:${good}\n2:${key()}\n1:${key()}\n`);
        return { CAUSELOOP_MASTER_KEY_FILE: file };
      },
      'CAUSELOOP_MASTER_KEY_FILE lists version 1 more than once',
    ],
    [
      'a primary that is not present',
      async () => ({ CAUSELOOP_MASTER_KEY: `1:${good}`, CAUSELOOP_MASTER_KEY_PRIMARY: '3' }),
      'CAUSELOOP_MASTER_KEY_PRIMARY is 3, but CAUSELOOP_MASTER_KEY has no version 3',
    ],
    [
      'the development key under NODE_ENV=production',
      async () => ({ NODE_ENV: 'production', CAUSELOOP_MASTER_KEY: `1:${good}\n2:${developmentMasterKey}` }),
      'CAUSELOOP_MASTER_KEY version 2 is the published development key',
    ],
  ];

  it.each(refusals)('refuses to start with %s, naming the variable and not the key', async (_, environment, expected) => {
    const { code, output } = await runToExit(await environment());
    expect(code).toBe(1);
    expect(output).toContain(expected);
    expect(output).not.toContain(good);
  });
});
