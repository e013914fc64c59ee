import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createLogger } from '@causeloop/platform/log';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKeyringReloader, type KeyringReloader } from '../../src/keyring/keyring-reloader.js';
import { loadKeyring, type KeyringConfig } from '../../src/keyring/load-keyring.js';
import { checkKeyringRoundTrip } from '../../src/self-test.js';
import { counterValue, newWorkspaceId, randomKey, startCrypto, type RunningCrypto } from '../support/crypto-server.js';

describe('CAUSELOOP_MASTER_KEY_FILE reload', () => {
  let directory: string;
  let file: string;
  let crypto: RunningCrypto;
  let reloader: KeyringReloader | undefined;
  const first = randomKey();
  const second = randomKey();
  const logLines: string[] = [];

  beforeAll(async () => {
    directory = await mkdtemp(path.join(tmpdir(), 'causeloop-crypto-'));
    file = path.join(directory, 'master-key');
    await writeFile(file, `1:${first.toString('base64')}\n`);
    const config: KeyringConfig = {
      nodeEnv: 'production',
      masterKey: undefined,
      masterKeyFile: file,
      masterKeyPrimary: undefined,
      masterKeyMinDecryptionVersion: 1,
    };
    const initial = await loadKeyring(config);
    // A logger writing to memory, to check what a failed reload says.
    const logger = createLogger({ service: 'crypto', level: 'info', destination: { write: (line: string) => void logLines.push(line) } });
    crypto = await startCrypto((metrics) => {
      reloader = createKeyringReloader({ file, config, initial, logger, metrics, verify: checkKeyringRoundTrip });
      return reloader;
    });
  });
  afterAll(async () => {
    reloader?.stop();
    await crypto.close();
    await rm(directory, { recursive: true, force: true });
  });

  it('picks up a new version as primary, and keeps the old keyring when the file turns invalid', async () => {
    const workspaceId = newWorkspaceId();
    const v1 = await crypto.client.generateDataKey({ workspaceId });
    expect(v1.kekVersion).toBe(1);
    expect(await reloader!.reloadNow()).toBe('unchanged');

    await writeFile(file, `1:${first.toString('base64')}\n2:${second.toString('base64')}\n`);
    expect(await reloader!.reloadNow()).toBe('updated');
    expect((await crypto.client.getKeyringStatus({})).primaryVersion).toBe(2);
    expect((await crypto.client.generateDataKey({ workspaceId })).kekVersion).toBe(2);
    expect((await crypto.client.unwrapDataKey({ workspaceId, wrappedKey: v1.wrappedKey })).kekVersion).toBe(1);

    // A broken secret (a 16-byte key) and a missing file: both keep version 2 serving.
    await writeFile(file, `1:${first.toString('base64')}\n2:${second.toString('base64')}\n3:${randomKey().subarray(0, 16).toString('base64')}\n`);
    expect(await reloader!.reloadNow()).toBe('failed');
    await rm(file);
    expect(await reloader!.reloadNow()).toBe('failed');
    const status = await crypto.client.getKeyringStatus({});
    expect(status.primaryVersion).toBe(2);
    expect(status.versions.map((version) => version.version)).toEqual([1, 2]);
    expect((await crypto.client.generateDataKey({ workspaceId })).kekVersion).toBe(2);

    expect(await counterValue(crypto.registry, 'causeloop_crypto_keyring_reloads_total', { outcome: 'failed' })).toBe(2);
    expect(await counterValue(crypto.registry, 'causeloop_crypto_keyring_reloads_total', { outcome: 'updated' })).toBe(1);
    expect(await counterValue(crypto.registry, 'causeloop_crypto_keyring_reloads_total', { outcome: 'unchanged' })).toBe(1);
    const logged = logLines.join('');
    expect(logged).toContain('keyring reload failed');
    expect(logged).toContain('CAUSELOOP_MASTER_KEY_FILE version 3 must decode to 32 bytes');
    for (const key of [first, second]) expect(logged).not.toContain(key.toString('base64'));
  });
});
