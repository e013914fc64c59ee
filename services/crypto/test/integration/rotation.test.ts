import { afterEach, describe, expect, it } from 'vitest';
import { createKeyring } from '../../src/keyring/keyring.js';
import { counterValue, newWorkspaceId, randomKey, startCrypto, type RunningCrypto } from '../support/crypto-server.js';
import { failure } from '../support/failure.js';

describe('rotation: rewrap, batches and keyring status over gRPC', () => {
  const oldKey = randomKey();
  const newKey = randomKey();
  const before = createKeyring({ entries: [{ version: 1, key: oldKey }] });
  // The new version rolled out, then made primary (highest wins).
  const after = createKeyring({ entries: [{ version: 1, key: oldKey }, { version: 2, key: newKey }] });
  const running: RunningCrypto[] = [];
  const start = async (keyring: typeof before) => {
    const crypto = await startCrypto(keyring);
    running.push(crypto);
    return crypto;
  };
  afterEach(async () => {
    await Promise.all(running.splice(0).map((crypto) => crypto.close()));
  });

  it('rewrap moves a key to the new primary; old and new wrapped keys give the same DEK', async () => {
    const workspaceId = newWorkspaceId();
    const v1 = await (await start(before)).client.generateDataKey({ workspaceId });
    const { client } = await start(after);
    const rewrapped = await client.rewrapDataKey({ workspaceId, wrappedKey: v1.wrappedKey });
    expect(rewrapped.kekVersion).toBe(2);
    expect(Buffer.from(rewrapped.wrappedKey).readUInt32BE(1)).toBe(2);
    const fromOld = await client.unwrapDataKey({ workspaceId, wrappedKey: v1.wrappedKey });
    const fromNew = await client.unwrapDataKey({ workspaceId, wrappedKey: rewrapped.wrappedKey });
    expect(fromOld.kekVersion).toBe(1);
    expect(fromNew.kekVersion).toBe(2);
    expect(Buffer.from(fromNew.plaintextKey).equals(Buffer.from(v1.plaintextKey))).toBe(true);
    expect(Buffer.from(fromOld.plaintextKey).equals(Buffer.from(v1.plaintextKey))).toBe(true);

    // Already on the primary: returned unchanged.
    const again = await client.rewrapDataKey({ workspaceId, wrappedKey: rewrapped.wrappedKey });
    expect(Buffer.from(again.wrappedKey).equals(Buffer.from(rewrapped.wrappedKey))).toBe(true);
    // Rewrap never launders a key that does not unwrap, nor moves it to another workspace.
    expect((await failure(client.rewrapDataKey({ workspaceId: newWorkspaceId(), wrappedKey: v1.wrappedKey }))).code).toBe(
      'decryption_failed',
    );
  });

  it('batch unwrap gives a per-item error for the one bad key while the rest succeed', async () => {
    const crypto = await start(after);
    const workspaces = Array.from({ length: 5 }, newWorkspaceId);
    const generated = await Promise.all(workspaces.map((workspaceId) => crypto.client.generateDataKey({ workspaceId })));
    const keys = generated.map((key, index) => ({ workspaceId: workspaces[index]!, wrappedKey: key.wrappedKey }));
    keys[2] = { workspaceId: workspaces[3]!, wrappedKey: generated[2]!.wrappedKey }; // wrong workspace
    keys.push({ workspaceId: 'not-a-uuid', wrappedKey: generated[0]!.wrappedKey });
    const { results } = await crypto.client.batchUnwrapDataKeys({ keys });
    expect(results.map((result) => result.errorCode)).toEqual(['', '', 'decryption_failed', '', '', 'invalid_argument']);
    for (const index of [0, 1, 3, 4]) {
      expect(Buffer.from(results[index]!.plaintextKey).equals(Buffer.from(generated[index]!.plaintextKey))).toBe(true);
      expect(results[index]!.kekVersion).toBe(2);
    }
    expect(results[2]!.plaintextKey).toHaveLength(0);
    expect(
      await counterValue(crypto.registry, 'causeloop_crypto_operations_total', { operation: 'unwrap', outcome: 'ok' }),
    ).toBe(4);
    expect(
      await counterValue(crypto.registry, 'causeloop_crypto_operations_total', { operation: 'unwrap', outcome: 'decryption_failed' }),
    ).toBe(1);
  });

  it('batch rewrap moves the good keys to the primary and reports the bad one', async () => {
    const workspaces = Array.from({ length: 4 }, newWorkspaceId);
    const old = await start(before);
    const generated = await Promise.all(workspaces.map((workspaceId) => old.client.generateDataKey({ workspaceId })));
    const keys = generated.map((key, index) => ({ workspaceId: workspaces[index]!, wrappedKey: key.wrappedKey }));
    const broken = Buffer.from(generated[1]!.wrappedKey);
    broken[90]! ^= 0xff;
    keys[1] = { workspaceId: workspaces[1]!, wrappedKey: broken };
    const crypto = await start(after);
    const { results } = await crypto.client.batchRewrapDataKeys({ keys });
    expect(results.map((result) => result.errorCode)).toEqual(['', 'decryption_failed', '', '']);
    expect(results.map((result) => result.kekVersion)).toEqual([2, 0, 2, 2]);
    const unwrapped = await crypto.client.batchUnwrapDataKeys({
      keys: results.map((result, index) => ({ workspaceId: workspaces[index]!, wrappedKey: result.wrappedKey })),
    });
    for (const index of [0, 2, 3]) {
      expect(Buffer.from(unwrapped.results[index]!.plaintextKey).equals(Buffer.from(generated[index]!.plaintextKey))).toBe(true);
    }
  });

  it('refuses batches over 1,000 keys with invalid_argument, and serves exactly 1,000', async () => {
    const { client } = await start(after);
    const workspaceId = newWorkspaceId();
    const { wrappedKey } = await client.generateDataKey({ workspaceId });
    const keys = (count: number) => Array.from({ length: count }, () => ({ workspaceId, wrappedKey }));
    expect((await failure(client.batchUnwrapDataKeys({ keys: keys(1_001) }))).code).toBe('invalid_argument');
    expect((await failure(client.batchRewrapDataKeys({ keys: keys(1_001) }))).code).toBe('invalid_argument');
    const full = await client.batchUnwrapDataKeys({ keys: keys(1_000) });
    expect(full.results.every((result) => result.errorCode === '')).toBe(true);
  });

  it('status shows versions, primary and distinct fingerprints, never key bytes', async () => {
    const { client } = await start(createKeyring({
      entries: [{ version: 1, key: oldKey }, { version: 2, key: newKey }, { version: 5, key: randomKey() }],
      primaryVersion: 2,
      minDecryptionVersion: 1,
    }));
    const status = await client.getKeyringStatus({});
    expect(status.primaryVersion).toBe(2);
    expect(status.minDecryptionVersion).toBe(1);
    expect(status.versions.map(({ version, primary }) => ({ version, primary }))).toEqual([
      { version: 1, primary: false },
      { version: 2, primary: true },
      { version: 5, primary: false },
    ]);
    const fingerprints = status.versions.map((version) => version.fingerprint);
    for (const fingerprint of fingerprints) expect(fingerprint).toMatch(/^[0-9a-f]{16}$/);
    expect(new Set(fingerprints).size).toBe(3);
    const json = JSON.stringify(status);
    for (const key of [oldKey, newKey]) {
      expect(json).not.toContain(key.toString('base64'));
      expect(json).not.toContain(key.toString('hex').slice(0, 16));
    }
  });
});
