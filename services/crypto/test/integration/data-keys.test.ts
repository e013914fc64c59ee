import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { wrapDataKey } from '../../src/keyring/wrapped-key.js';
import { failure } from '../support/failure.js';
import { counterValue, newWorkspaceId, randomKeyring, startCrypto, type RunningCrypto } from '../support/crypto-server.js';

describe('generating and unwrapping data keys over gRPC', () => {
  // Versions 1–3 configured, 1 retired, 3 primary.
  const { keyring } = randomKeyring([1, 2, 3], { minDecryptionVersion: 2 });
  let crypto: RunningCrypto;
  const workspaceId = newWorkspaceId();

  beforeAll(async () => {
    crypto = await startCrypto(keyring);
  });
  afterAll(async () => {
    await crypto.close();
  });

  const generate = () => crypto.client.generateDataKey({ workspaceId });
  const unwrap = (wrappedKey: Uint8Array, workspace = workspaceId) =>
    crypto.client.unwrapDataKey({ workspaceId: workspace, wrappedKey });
  const refused = async (wrappedKey: Uint8Array, workspace = workspaceId) => {
    expect(await failure(unwrap(wrappedKey, workspace))).toEqual({
      code: 'decryption_failed',
      message: 'data key could not be unwrapped',
    });
  };

  it('round-trips a generated key: 32 bytes, wrapped by the primary', async () => {
    const generated = await generate();
    expect(generated.plaintextKey).toHaveLength(32);
    expect(generated.kekVersion).toBe(3);
    // prefix 5 + nonce 12 + commitment 32 + key 32 + tag 16
    expect(generated.wrappedKey).toHaveLength(97);
    expect(generated.wrappedKey[0]).toBe(1);
    const unwrapped = await unwrap(generated.wrappedKey);
    expect(Buffer.from(unwrapped.plaintextKey).equals(Buffer.from(generated.plaintextKey))).toBe(true);
    expect(unwrapped.kekVersion).toBe(3);
  });

  it('binds the workspace case-insensitively (the same UUID) but refuses another workspace', async () => {
    const generated = await generate();
    const upper = await unwrap(generated.wrappedKey, workspaceId.toUpperCase());
    expect(Buffer.from(upper.plaintextKey).equals(Buffer.from(generated.plaintextKey))).toBe(true);
    await refused(generated.wrappedKey, newWorkspaceId());
  });

  it('refuses a wrapped key with any tampered byte: prefix, nonce, commitment, body, tag', async () => {
    const { wrappedKey } = await generate();
    // 0 format, 4 KEK version, 5/16 nonce, 17/48 commitment, 49/80 ciphertext, 81/96 tag
    for (const index of [0, 1, 4, 5, 16, 17, 48, 49, 80, 81, 96]) {
      const tampered = Buffer.from(wrappedKey);
      tampered[index]! ^= 0x01;
      await refused(tampered);
    }
  });

  it('refuses truncated and extended keys', async () => {
    const { wrappedKey } = await generate();
    for (const length of [0, 1, 4, 5, 40, 96]) await refused(wrappedKey.subarray(0, length));
    await refused(Buffer.concat([wrappedKey, Buffer.from([0])]));
  });

  it('refuses an unknown format version and an unknown KEK version before touching a key', async () => {
    const { wrappedKey } = await generate();
    const unknownFormat = Buffer.from(wrappedKey);
    unknownFormat[0] = 2;
    const unknownVersion = Buffer.from(wrappedKey);
    unknownVersion.writeUInt32BE(9, 1);
    const before = await counterValue(crypto.registry, 'causeloop_crypto_decrypt_failures_total', { reason: 'unknown_format' });
    await refused(unknownFormat);
    await refused(unknownVersion);
    expect(await counterValue(crypto.registry, 'causeloop_crypto_decrypt_failures_total', { reason: 'unknown_format' })).toBe(before + 1);
    expect(await counterValue(crypto.registry, 'causeloop_crypto_decrypt_failures_total', { reason: 'unknown_kek_version' })).toBeGreaterThanOrEqual(1);
  });

  it('refuses keys wrapped by a retired version (below min_decryption_version)', async () => {
    // Wrap with version 1 through a keyring where it is still active, as before retirement.
    const old = keyring.get(1)!;
    expect(old).toBeDefined();
    const wrapped = wrapDataKey(old, workspaceId, Buffer.alloc(32, 7));
    const before = await counterValue(crypto.registry, 'causeloop_crypto_decrypt_failures_total', { reason: 'retired_kek_version' });
    await refused(wrapped);
    expect(await counterValue(crypto.registry, 'causeloop_crypto_decrypt_failures_total', { reason: 'retired_kek_version' })).toBe(before + 1);
  });

  it('counts each failure under its reason, and the caller only sees the generic error', async () => {
    const { wrappedKey } = await generate();
    const tampered = Buffer.from(wrappedKey);
    tampered[60]! ^= 0x80;
    const reason = { reason: 'authentication_failed' };
    const before = await counterValue(crypto.registry, 'causeloop_crypto_decrypt_failures_total', reason);
    await refused(tampered);
    await refused(wrappedKey, newWorkspaceId());
    expect(await counterValue(crypto.registry, 'causeloop_crypto_decrypt_failures_total', reason)).toBe(before + 2);
    const commitment = Buffer.from(wrappedKey);
    commitment[20]! ^= 0x80;
    await refused(commitment);
    expect(
      await counterValue(crypto.registry, 'causeloop_crypto_decrypt_failures_total', { reason: 'commitment_mismatch' }),
    ).toBeGreaterThanOrEqual(1);
    expect(
      await counterValue(crypto.registry, 'causeloop_crypto_operations_total', { operation: 'unwrap', outcome: 'decryption_failed' }),
    ).toBeGreaterThanOrEqual(3);
    const exposition = await crypto.registry.metrics();
    expect(exposition).toMatch(/causeloop_crypto_decrypt_failures_total\{reason="truncated",service="crypto"\} \d+/);
    expect(exposition).toContain('causeloop_crypto_operation_duration_seconds_bucket');
  });

  it('answers invalid_argument for a workspace id that is not a UUID', async () => {
    expect((await failure(crypto.client.generateDataKey({ workspaceId: 'acme' }))).code).toBe('invalid_argument');
    const { wrappedKey } = await generate();
    expect((await failure(unwrap(wrappedKey, 'acme'))).code).toBe('invalid_argument');
  });
});
