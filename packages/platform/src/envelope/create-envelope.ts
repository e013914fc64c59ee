import type { CryptoService } from '@causeloop/proto/causeloop/crypto/v1/crypto_pb.js';
import type { Registry } from 'prom-client';
import { keyBytes, prepareKey, type PreparedKey } from '../crypto/committing-aead.js';
import type { TenantClient } from '../db/with-tenant.js';
import { CauseloopError, isCauseloopError } from '../errors/causeloop-error.js';
import type { GrpcClient } from '../grpc-client/create-base-grpc-client.js';
import { canonicalUuid } from '../ids/uuid.js';
import { openColumnValue, readColumnHeader, sealColumnValue, type ColumnLocation } from './column-ciphertext.js';
import { createDekCache, type DekCacheOptions } from './dek-cache.js';
import { DecryptFailure } from './decrypt-failure.js';
import { createEnvelopeMetrics, type EnvelopeMetrics, type EnvelopeOperation } from './envelope-metrics.js';
import { PgWorkspaceKeyStore, type WorkspaceKey, type WorkspaceKeyStore } from './workspace-key-store.js';

/** What the envelope needs of the crypto service: making and unwrapping DEKs, nothing else. */
export type EnvelopeCrypto = Pick<GrpcClient<typeof CryptoService>, 'generateDataKey' | 'unwrapDataKey'>;

export interface EnvelopeOptions {
  readonly crypto: EnvelopeCrypto;
  readonly cache?: DekCacheOptions;
  /** When given, the envelope's counters are declared on (or reused from) it. */
  readonly registry?: Registry;
  /** `PgWorkspaceKeyStore` when omitted. */
  readonly store?: WorkspaceKeyStore;
}

/**
 * Encrypts secret columns with per-workspace DEKs (DESIGN §5). Every method takes the
 * tenant client of the caller's `withTenant`, so the `workspace_keys` rows it reads are
 * the ones that tenant may see, and the workspace id it binds values to is the caller's.
 */
export interface Envelope {
  /** Makes DEK version 1 unless the workspace has a key; returns the newest DEK version. Race-safe. */
  ensureDataKey(client: TenantClient, workspaceId: string): Promise<number>;
  /** Seals with the workspace's newest DEK (making version 1 first if it has none). */
  encrypt(client: TenantClient, location: ColumnLocation, plaintext: Uint8Array | string): Promise<Buffer>;
  /** Opens with the DEK version the header names; any failure is `decryption_failed`. */
  decrypt(client: TenantClient, location: ColumnLocation, ciphertext: Uint8Array): Promise<Buffer>;
  /** Drops the workspace's cached keys (e.g. when it is deleted or its DEKs were rotated). */
  forget(workspaceId: string): void;
}

/** The one thing callers learn about a failed decryption. */
export const decryptionFailedMessage = 'value could not be decrypted';

/** Codes of a crypto-service answer that mean "this wrapped key will not unwrap", as opposed to an outage. */
const unwrapRefusals: ReadonlySet<string> = new Set(['decryption_failed', 'unprocessable', 'invalid_argument', 'not_found']);

export function createEnvelope(options: EnvelopeOptions): Envelope {
  const { crypto } = options;
  const store = options.store ?? new PgWorkspaceKeyStore();
  const cache = createDekCache(options.cache);
  const metrics: EnvelopeMetrics | undefined =
    options.registry === undefined ? undefined : createEnvelopeMetrics(options.registry);
  // Rows already read through one tenant client (one withTenant transaction): a
  // transaction that opens many values reads each key row once, and every key use is still
  // backed by a read under that tenant's RLS. Weak, so it ends with the transaction.
  const rowsByClient = new WeakMap<TenantClient, Map<string, WorkspaceKey>>();

  const rowsOf = (client: TenantClient): Map<string, WorkspaceKey> => {
    let rows = rowsByClient.get(client);
    if (rows === undefined) {
      rows = new Map();
      rowsByClient.set(client, rows);
    }
    return rows;
  };

  const remember = (client: TenantClient, row: WorkspaceKey): void => {
    const rows = rowsOf(client);
    rows.set(`${row.workspaceId}/${row.dekVersion}`, row);
    const newest = rows.get(`${row.workspaceId}/newest`);
    if (newest === undefined || newest.dekVersion < row.dekVersion) rows.set(`${row.workspaceId}/newest`, row);
  };

  const keyRow = async (client: TenantClient, workspaceId: string, dekVersion: number): Promise<WorkspaceKey | undefined> => {
    const known = rowsOf(client).get(`${workspaceId}/${dekVersion}`);
    if (known !== undefined) return known;
    const row = await store.get(client, { workspaceId, dekVersion });
    if (row !== undefined) remember(client, row);
    return row;
  };

  const newestRow = async (client: TenantClient, workspaceId: string): Promise<WorkspaceKey | undefined> => {
    const known = rowsOf(client).get(`${workspaceId}/newest`);
    if (known !== undefined) return known;
    const row = await store.newest(client, { workspaceId });
    if (row !== undefined) remember(client, row);
    return row;
  };

  const unwrap = async (row: WorkspaceKey): Promise<PreparedKey> => {
    let plaintextKey: Uint8Array;
    try {
      ({ plaintextKey } = await crypto.unwrapDataKey({ workspaceId: row.workspaceId, wrappedKey: row.wrappedKey }));
    } catch (error) {
      // A refusal is permanent for this row; an outage (unavailable, deadline) is not and
      // travels as it came, so callers may retry instead of treating the value as lost.
      if (isCauseloopError(error) && unwrapRefusals.has(error.code)) throw new DecryptFailure('unwrap_failed');
      throw error;
    }
    if (plaintextKey.length !== keyBytes) throw new DecryptFailure('unwrap_failed');
    return prepareKey(plaintextKey);
  };

  const dataKey = async (row: WorkspaceKey): Promise<PreparedKey> => {
    // A miss is a lookup that had to unwrap itself, whether or not the unwrap succeeded;
    // joining another caller's unwrap counts as a hit.
    let missed = false;
    try {
      return await cache.get(row, () => {
        missed = true;
        return unwrap(row);
      });
    } finally {
      metrics?.dekCache.inc({ result: missed ? 'miss' : 'hit' });
    }
  };

  const ensure = async (client: TenantClient, workspaceId: string): Promise<WorkspaceKey> => {
    const existing = await newestRow(client, workspaceId);
    if (existing !== undefined) return existing;
    const generated = await crypto.generateDataKey({ workspaceId });
    // Two processes may both get here: the insert keeps the first row, the loser's key is
    // dropped unused, and both read back (and use) the one that was kept.
    await store.insertIfAbsent(client, {
      workspaceId,
      dekVersion: 1,
      wrappedKey: generated.wrappedKey,
      kekVersion: generated.kekVersion,
    });
    // Not cached from `generated`: this transaction may still roll back, and a key cached
    // from a row that never committed would seal values nobody can open.
    const kept = await keyRow(client, workspaceId, 1);
    if (kept === undefined) throw new CauseloopError('internal', 'the workspace key just written could not be read back');
    return kept;
  };

  /** Runs one operation, counting it and turning any DecryptFailure into the one generic error. */
  const run = async <T>(operation: EnvelopeOperation, work: () => Promise<T>): Promise<T> => {
    try {
      const result = await work();
      metrics?.operations.inc({ operation, outcome: 'ok' });
      return result;
    } catch (error) {
      if (error instanceof DecryptFailure) {
        metrics?.decryptFailures.inc({ reason: error.reason });
        metrics?.operations.inc({ operation, outcome: 'decryption_failed' });
        // No cause: the reason is for operators (the counter), not for whoever sees this error.
        throw new CauseloopError('decryption_failed', decryptionFailedMessage);
      }
      metrics?.operations.inc({ operation, outcome: 'error' });
      throw error;
    }
  };

  return {
    ensureDataKey: (client, workspaceId) =>
      run('ensure_data_key', async () => (await ensure(client, canonical(workspaceId))).dekVersion),

    encrypt: (client, location, plaintext) =>
      run('encrypt', async () => {
        const workspaceId = canonical(location.workspaceId);
        const row = await ensure(client, workspaceId);
        const key = await dataKey(row);
        return sealColumnValue({
          key,
          dekVersion: row.dekVersion,
          workspaceId,
          table: location.table,
          column: location.column,
          plaintext: typeof plaintext === 'string' ? Buffer.from(plaintext, 'utf8') : plaintext,
        });
      }),

    decrypt: (client, location, ciphertext) =>
      run('decrypt', async () => {
        const workspaceId = canonical(location.workspaceId);
        // Unknown formats and suites, and truncated values, stop here: no row read, no unwrap.
        const { dekVersion } = readColumnHeader(ciphertext);
        const row = await keyRow(client, workspaceId, dekVersion);
        if (row === undefined) throw new DecryptFailure('unknown_dek_version');
        const key = await dataKey(row);
        return openColumnValue({
          keyFor: (version) => (version === dekVersion ? key : undefined),
          workspaceId,
          table: location.table,
          column: location.column,
          ciphertext,
        });
      }),

    forget: (workspaceId) => cache.forget(canonical(workspaceId)),
  };
}

/** One spelling per workspace for cache keys, AAD and queries (UUIDs compare case-insensitively). */
function canonical(workspaceId: string): string {
  const canonicalId = canonicalUuid(workspaceId);
  if (canonicalId === undefined) throw new CauseloopError('invalid_argument', 'workspace id is not a UUID');
  return canonicalId;
}
