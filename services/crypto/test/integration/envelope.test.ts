import { setTimeout as sleep } from 'node:timers/promises';
import type { Pool } from 'pg';
import { CryptoService } from '@causeloop/proto/causeloop/crypto/v1/crypto_pb.js';
import { createMetricsRegistry, type Registry } from '@causeloop/platform/metrics';
import { withTenant } from '@causeloop/platform/db';
import {
  createEnvelope,
  PgWorkspaceKeyStore,
  type Envelope,
  type EnvelopeOptions,
  type WorkspaceKeyStore,
} from '@causeloop/platform/envelope';
import { isCauseloopError } from '@causeloop/platform/errors';
import { createGrpcClient } from '@causeloop/platform/grpc';
import { createTestDatabase, findFreePort, seedWorkspace, type TestDatabase } from '@causeloop/platform/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomKeyring, startCrypto, type RunningCrypto } from '../support/crypto-server.js';
import { instrumentCryptoClient, type InstrumentedCryptoClient } from '../support/instrumented-client.js';

// The platform's envelope against the real crypto service over gRPC, on real PostgreSQL.
let database: TestDatabase;
let pool: Pool;
let service: RunningCrypto;
let crypto: InstrumentedCryptoClient;
/** Every error an envelope threw in this file, checked at the end for leaked secrets. */
const thrown: unknown[] = [];
const secret = 'ghp_0123456789abcdefSECRET';

beforeAll(async () => {
  database = await createTestDatabase();
  pool = database.pool({ applicationName: 'envelope-test', max: 8 });
  service = await startCrypto(randomKeyring([1]).keyring);
  crypto = instrumentCryptoClient(service.client);
});

afterAll(async () => {
  await service?.close();
  await database?.drop();
});

function newEnvelope(options: Partial<EnvelopeOptions> = {}): { envelope: Envelope; registry: Registry } {
  const registry = createMetricsRegistry({ service: 'envelope-test' });
  return { envelope: createEnvelope({ crypto, registry, ...options }), registry };
}

const column = (workspaceId: string) => ({ workspaceId, table: 'connectors', column: 'config_encrypted' });

function encrypt(envelope: Envelope, workspaceId: string, plaintext: string | Uint8Array = secret): Promise<Buffer> {
  return withTenant(pool, workspaceId, (client) => envelope.encrypt(client, column(workspaceId), plaintext));
}

function decrypt(envelope: Envelope, tenant: string, ciphertext: Uint8Array, workspaceId = tenant): Promise<Buffer> {
  return withTenant(pool, tenant, (client) => envelope.decrypt(client, column(workspaceId), ciphertext));
}

/** The error a decrypt fails with, kept for the leak check. */
async function failure(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    thrown.push(error);
    return error;
  }
  throw new Error('expected the call to fail');
}

async function counter(registry: Registry, name: string, labels: Record<string, string>): Promise<number> {
  const metric = registry.getSingleMetric(name);
  if (metric === undefined) return 0;
  const { values } = await metric.get();
  const match = values.find((value) => Object.entries(labels).every(([label, wanted]) => value.labels[label] === wanted));
  return match?.value ?? 0;
}

const failures = (registry: Registry, reason: string) =>
  counter(registry, 'causeloop_envelope_decrypt_failures_total', { reason });
const cache = (registry: Registry, result: 'hit' | 'miss') => counter(registry, 'causeloop_envelope_dek_cache_lookups_total', { result });

async function keyRows(workspaceId: string): Promise<number> {
  const result = await withTenant(pool, workspaceId, (client) =>
    client.query('select 1 from workspace_keys where workspace_id = $1', [workspaceId]),
  );
  return result.rowCount ?? 0;
}

describe('ensureDataKey', () => {
  it('makes DEK version 1 once, however often and however concurrently it is called', async () => {
    const workspace = await seedWorkspace(pool, 'Racing');
    // Two envelopes stand for two processes: separate caches, one database. Their stores
    // wait for each other after looking for a key, so both see none and both generate one.
    let arrived = 0;
    let release: () => void = () => undefined;
    const bothLooked = new Promise<void>((resolve) => (release = resolve));
    const pg = new PgWorkspaceKeyStore();
    const store: WorkspaceKeyStore = {
      insertIfAbsent: (client, options) => pg.insertIfAbsent(client, options),
      get: (client, options) => pg.get(client, options),
      newest: async (client, options) => {
        const row = await pg.newest(client, options);
        if (++arrived === 2) release();
        await bothLooked;
        return row;
      },
    };
    const first = newEnvelope({ store }).envelope;
    const second = newEnvelope({ store }).envelope;
    const generatedBefore = crypto.calls.generateDataKey;
    const versions = await Promise.all([
      withTenant(pool, workspace, (client) => first.ensureDataKey(client, workspace)),
      withTenant(pool, workspace, (client) => second.ensureDataKey(client, workspace)),
    ]);
    expect(versions).toEqual([1, 1]);
    expect(crypto.calls.generateDataKey).toBe(generatedBefore + 2);
    expect(await keyRows(workspace)).toBe(1);

    const generated = crypto.calls.generateDataKey;
    expect(await withTenant(pool, workspace, (client) => first.ensureDataKey(client, workspace))).toBe(1);
    expect(crypto.calls.generateDataKey).toBe(generated);
    // Both processes use the one key that was kept.
    expect((await decrypt(second, workspace, await encrypt(first, workspace))).toString()).toBe(secret);
  });

  it('cannot create a key for another workspace than the tenant it runs as', async () => {
    const [a, b] = [await seedWorkspace(pool, 'A'), await seedWorkspace(pool, 'B')];
    const { envelope, registry } = newEnvelope();
    await expect(withTenant(pool, a, (client) => envelope.ensureDataKey(client, b))).rejects.toThrow(/row-level security/);
    expect(await keyRows(b)).toBe(0);
    expect(await counter(registry, 'causeloop_envelope_operations_total', { operation: 'ensure_data_key', outcome: 'error' })).toBe(1);
  });
});

describe('encrypt and decrypt', () => {
  it('round-trips strings and bytes inside withTenant, making the key on first use', async () => {
    const workspace = await seedWorkspace(pool, 'Round trip');
    const { envelope, registry } = newEnvelope();
    const sealed = await encrypt(envelope, workspace);
    expect([...sealed.subarray(0, 6)]).toEqual([1, 1, 0, 0, 0, 1]);
    expect(sealed.includes(Buffer.from(secret))).toBe(false);
    expect((await decrypt(envelope, workspace, sealed)).toString()).toBe(secret);
    const bytes = Uint8Array.from([0, 1, 2, 255]);
    expect(await decrypt(envelope, workspace, await encrypt(envelope, workspace, bytes))).toEqual(Buffer.from(bytes));
    expect(await counter(registry, 'causeloop_envelope_operations_total', { operation: 'encrypt', outcome: 'ok' })).toBe(2);
    expect(await counter(registry, 'causeloop_envelope_operations_total', { operation: 'decrypt', outcome: 'ok' })).toBe(2);
  });

  it("refuses workspace A's value in workspace B's tenant, which cannot even read A's key row", async () => {
    const [a, b] = [await seedWorkspace(pool, 'A'), await seedWorkspace(pool, 'B')];
    const { envelope, registry } = newEnvelope();
    const fromA = await encrypt(envelope, a); // A's key is now cached in this process
    await encrypt(envelope, b);

    // B's own context: B's key does not match the commitment.
    const asB = await failure(decrypt(envelope, b, fromA));
    expect(asB).toMatchObject({ code: 'decryption_failed', message: 'value could not be decrypted' });
    expect(await failures(registry, 'commitment_mismatch')).toBe(1);

    // B's tenant claiming to be A: RLS hides A's row, so even the cached key is not used.
    const claimingA = await failure(decrypt(envelope, b, fromA, a));
    expect(claimingA).toMatchObject({ code: 'decryption_failed' });
    expect(await failures(registry, 'unknown_dek_version')).toBe(1);
    expect(await withTenant(pool, b, (client) => client.query('select 1 from workspace_keys where workspace_id = $1', [a]))).toMatchObject({
      rowCount: 0,
    });
    expect(await counter(registry, 'causeloop_envelope_operations_total', { operation: 'decrypt', outcome: 'decryption_failed' })).toBe(2);
  });

  it('labels every kind of failure by reason, and fails them all alike for the caller', async () => {
    const workspace = await seedWorkspace(pool, 'Failures');
    const { envelope, registry } = newEnvelope();
    const sealed = await encrypt(envelope, workspace);
    const changed = (index: number, value?: number): Buffer => {
      const copy = Buffer.from(sealed);
      copy[index] = value ?? (copy[index] ?? 0) ^ 1;
      return copy;
    };
    const unwraps = crypto.calls.unwrapDataKey;
    const cases: [Uint8Array, string][] = [
      [changed(0, 2), 'unknown_format'],
      [changed(1, 2), 'unknown_suite'],
      [changed(5, 9), 'unknown_dek_version'],
      [sealed.subarray(0, 20), 'truncated'],
      [changed(6 + 12), 'commitment_mismatch'],
      [changed(sealed.length - 1), 'authentication_failed'],
    ];
    for (const [ciphertext, reason] of cases) {
      const error = await failure(decrypt(envelope, workspace, ciphertext));
      expect(error, reason).toMatchObject({ code: 'decryption_failed', message: 'value could not be decrypted' });
      expect(await failures(registry, reason), reason).toBe(1);
    }
    const moved = await failure(
      withTenant(pool, workspace, (client) => envelope.decrypt(client, { ...column(workspace), column: 'other_encrypted' }, sealed)),
    );
    expect(moved).toMatchObject({ code: 'decryption_failed' });
    expect(await failures(registry, 'authentication_failed')).toBe(2);
    expect(crypto.calls.unwrapDataKey).toBe(unwraps); // the key was cached; failures never unwrap again
  });

  it('passes a crypto-service outage on as it is, not as a lost value', async () => {
    const workspace = await seedWorkspace(pool, 'Outage');
    const sealed = await encrypt(newEnvelope().envelope, workspace);
    const unreachable = createGrpcClient(CryptoService, { address: `127.0.0.1:${await findFreePort()}`, defaultDeadlineMs: 500 });
    try {
      const { envelope, registry } = newEnvelope({ crypto: unreachable });
      const error = await failure(decrypt(envelope, workspace, sealed));
      expect(isCauseloopError(error) && ['unavailable', 'deadline_exceeded'].includes(error.code)).toBe(true);
      expect(await counter(registry, 'causeloop_envelope_operations_total', { operation: 'decrypt', outcome: 'error' })).toBe(1);
    } finally {
      unreachable.close();
    }
  });
});

describe('the DEK cache', () => {
  it('unwraps once, then hits', async () => {
    const workspace = await seedWorkspace(pool, 'Cached');
    const { envelope, registry } = newEnvelope();
    const unwraps = crypto.calls.unwrapDataKey;
    const sealed = await encrypt(envelope, workspace);
    expect(crypto.calls.unwrapDataKey).toBe(unwraps + 1);
    await decrypt(envelope, workspace, sealed);
    await decrypt(envelope, workspace, sealed);
    expect(crypto.calls.unwrapDataKey).toBe(unwraps + 1);
    expect(await cache(registry, 'miss')).toBe(1);
    expect(await cache(registry, 'hit')).toBe(2);
  });

  it('unwraps again after the TTL and after forget', async () => {
    const workspace = await seedWorkspace(pool, 'Expiring');
    const { envelope, registry } = newEnvelope({ cache: { ttlMs: 100 } });
    const sealed = await encrypt(envelope, workspace);
    await decrypt(envelope, workspace, sealed);
    expect(await cache(registry, 'hit')).toBe(1);
    await sleep(150);
    await decrypt(envelope, workspace, sealed);
    expect(await cache(registry, 'miss')).toBe(2);
    envelope.forget(workspace.toUpperCase());
    await decrypt(envelope, workspace, sealed);
    expect(await cache(registry, 'miss')).toBe(3);
  });

  it('keeps at most maxEntries keys, dropping the least recently used', async () => {
    const workspaces = [await seedWorkspace(pool, 'L1'), await seedWorkspace(pool, 'L2'), await seedWorkspace(pool, 'L3')];
    const { envelope, registry } = newEnvelope({ cache: { maxEntries: 2 } });
    const [one, two, three] = workspaces as [string, string, string];
    const sealed = new Map<string, Buffer>();
    for (const workspace of workspaces) sealed.set(workspace, await encrypt(envelope, workspace)); // one is evicted by three
    const unwraps = crypto.calls.unwrapDataKey;
    await decrypt(envelope, two, sealed.get(two)!); // hit; three is now the least recent
    expect(await cache(registry, 'hit')).toBe(1);
    await decrypt(envelope, one, sealed.get(one)!); // miss; evicts three
    await decrypt(envelope, two, sealed.get(two)!); // hit
    await decrypt(envelope, three, sealed.get(three)!); // miss
    expect(await cache(registry, 'hit')).toBe(2);
    expect(crypto.calls.unwrapDataKey).toBe(unwraps + 2);
  });

  it('shares one unwrap between concurrent misses', async () => {
    const workspace = await seedWorkspace(pool, 'Concurrent');
    const sealed = await encrypt(newEnvelope().envelope, workspace);
    const { envelope, registry } = newEnvelope();
    const unwraps = crypto.calls.unwrapDataKey;
    crypto.unwrapDelayMs = 200;
    try {
      const opened = await Promise.all(Array.from({ length: 5 }, () => decrypt(envelope, workspace, sealed)));
      expect(opened.map(String)).toEqual(Array(5).fill(secret));
    } finally {
      crypto.unwrapDelayMs = 0;
    }
    expect(crypto.calls.unwrapDataKey).toBe(unwraps + 1);
    expect(await cache(registry, 'miss')).toBe(1);
    expect(await cache(registry, 'hit')).toBe(4);
  });

  it('does not cache a failed unwrap', async () => {
    const workspace = await seedWorkspace(pool, 'Refused');
    const sealed = await encrypt(newEnvelope().envelope, workspace);
    const { envelope, registry } = newEnvelope();
    const unwraps = crypto.calls.unwrapDataKey;
    crypto.corruptUnwraps = true;
    try {
      expect(await failure(decrypt(envelope, workspace, sealed))).toMatchObject({ code: 'decryption_failed' });
    } finally {
      crypto.corruptUnwraps = false;
    }
    expect(await failures(registry, 'unwrap_failed')).toBe(1);
    expect((await decrypt(envelope, workspace, sealed)).toString()).toBe(secret);
    expect(crypto.calls.unwrapDataKey).toBe(unwraps + 2);
    expect(await cache(registry, 'miss')).toBe(2);
  });
});

describe('errors', () => {
  it('never carry plaintext or key bytes', async () => {
    expect(thrown.length).toBeGreaterThan(5);
    const needles = [secret, ...crypto.issuedKeys.flatMap((key) => [key.toString('hex'), key.toString('base64')])];
    for (const error of thrown) {
      const text = everythingShown(error);
      for (const needle of needles) expect(text).not.toContain(needle);
    }
  });
});

/** Everything an error could show: message, stack and causes, recursively. */
function everythingShown(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  return [error.message, error.stack ?? '', JSON.stringify(error), error.cause === undefined ? '' : everythingShown(error.cause)].join('\n');
}
