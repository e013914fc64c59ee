import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { prepareKey, type PreparedKey } from '../../src/crypto/committing-aead.js';
import {
  columnHeaderBytes,
  openColumnValue,
  readColumnHeader,
  sealColumnValue,
  type ColumnLocation,
} from '../../src/envelope/column-ciphertext.js';
import { DecryptFailure, type DecryptFailureReason } from '../../src/envelope/decrypt-failure.js';

const key = prepareKey(Buffer.alloc(32, 7));
const location: ColumnLocation = {
  workspaceId: '0190a1b2-c3d4-7e5f-8a6b-7c8d9e0f1a2b',
  table: 'connectors',
  column: 'config_encrypted',
};
const plaintext = Buffer.from('{"token":"ghp_secret"}');
const sealed = sealColumnValue({ key, dekVersion: 7, plaintext, ...location });

/** A key lookup that records every version it was asked for. */
function recordingLookup(options: { knows: boolean } = { knows: true }): {
  keyFor: (version: number) => PreparedKey | undefined;
  asked: number[];
} {
  const asked: number[] = [];
  return { asked, keyFor: (version) => (asked.push(version), options.knows ? key : undefined) };
}

function reasonOf(run: () => unknown): DecryptFailureReason | 'opened' {
  try {
    run();
    return 'opened';
  } catch (error) {
    if (error instanceof DecryptFailure) return error.reason;
    throw error;
  }
}

const openWith = (changes: Partial<ColumnLocation> & { ciphertext?: Uint8Array; keyFor?: (version: number) => PreparedKey | undefined }) =>
  openColumnValue({ keyFor: () => key, ciphertext: sealed, ...location, ...changes });

describe('the column ciphertext format', () => {
  it('round-trips, with format 1, suite 1 and the DEK version in a clear header', () => {
    expect(openWith({})).toEqual(plaintext);
    expect([...sealed.subarray(0, columnHeaderBytes)]).toEqual([1, 1, 0, 0, 0, 7]);
    expect(readColumnHeader(sealed)).toEqual({ formatVersion: 1, suite: 1, dekVersion: 7 });
    expect(sealed.length).toBe(columnHeaderBytes + 12 + 32 + plaintext.length + 16);
    expect(sealColumnValue({ key, dekVersion: 7, plaintext, ...location })).not.toEqual(sealed);
  });

  it('asks the lookup for exactly the version the header names', () => {
    const lookup = recordingLookup();
    openWith({ keyFor: lookup.keyFor });
    expect(lookup.asked).toEqual([7]);
  });

  it('binds the workspace id whatever its letter case', () => {
    expect(openWith({ workspaceId: location.workspaceId.toUpperCase() })).toEqual(plaintext);
  });

  it('refuses a value moved to another workspace, table or column', () => {
    expect(reasonOf(() => openWith({ workspaceId: '0190a1b2-c3d4-7e5f-8a6b-7c8d9e0f1a2c' }))).toBe('authentication_failed');
    expect(reasonOf(() => openWith({ table: 'webhooks' }))).toBe('authentication_failed');
    expect(reasonOf(() => openWith({ column: 'secret_encrypted' }))).toBe('authentication_failed');
  });

  it('refuses every single-byte change', () => {
    const reasons = new Set<string>();
    for (let index = 0; index < sealed.length; index++) {
      const changed = Buffer.from(sealed);
      changed[index] = (changed[index] ?? 0) ^ 0x01;
      const reason = reasonOf(() => openWith({ ciphertext: changed }));
      expect(reason, `byte ${index}`).not.toBe('opened');
      reasons.add(reason);
    }
    // Header, commitment and body/tag changes each fail their own way.
    expect([...reasons].sort()).toEqual(['authentication_failed', 'commitment_mismatch', 'unknown_format', 'unknown_suite']);
  });

  it('refuses unknown format versions and suites without asking for a key', () => {
    for (const [index, value, reason] of [
      [0, 0, 'unknown_format'],
      [0, 2, 'unknown_format'],
      [1, 0, 'unknown_suite'],
      [1, 2, 'unknown_suite'],
    ] as const) {
      const changed = Buffer.from(sealed);
      changed[index] = value;
      const lookup = recordingLookup();
      expect(reasonOf(() => openWith({ ciphertext: changed, keyFor: lookup.keyFor }))).toBe(reason);
      expect(() => readColumnHeader(changed)).toThrow(DecryptFailure);
      expect(lookup.asked).toEqual([]);
    }
    // An unknown format is refused even when too short to parse further.
    const lookup = recordingLookup();
    expect(reasonOf(() => openWith({ ciphertext: Buffer.from([9]), keyFor: lookup.keyFor }))).toBe('unknown_format');
    expect(lookup.asked).toEqual([]);
  });

  it('refuses truncated values without asking for a key', () => {
    for (const length of [0, 1, 2, columnHeaderBytes, columnHeaderBytes + 12 + 32 + 15]) {
      const lookup = recordingLookup();
      expect(reasonOf(() => openWith({ ciphertext: sealed.subarray(0, length), keyFor: lookup.keyFor })), `length ${length}`).toBe('truncated');
      expect(lookup.asked).toEqual([]);
    }
    // Long enough to parse but cut inside the body: the tag no longer matches.
    expect(reasonOf(() => openWith({ ciphertext: sealed.subarray(0, sealed.length - 1) }))).toBe('authentication_failed');
  });

  it('refuses a DEK version the lookup does not know, and version 0 before any lookup', () => {
    expect(reasonOf(() => openWith({ keyFor: recordingLookup({ knows: false }).keyFor }))).toBe('unknown_dek_version');
    const zero = Buffer.from(sealed);
    zero.writeUInt32BE(0, 2);
    const lookup = recordingLookup();
    expect(reasonOf(() => openWith({ ciphertext: zero, keyFor: lookup.keyFor }))).toBe('unknown_dek_version');
    expect(lookup.asked).toEqual([]);
  });

  it('refuses another key by its commitment, before decrypting', () => {
    expect(reasonOf(() => openWith({ keyFor: () => prepareKey(randomBytes(32)) }))).toBe('commitment_mismatch');
  });

  it('seals only DEK versions the header can hold', () => {
    for (const dekVersion of [0, -1, 1.5, 2 ** 32]) {
      expect(() => sealColumnValue({ key, dekVersion, plaintext, ...location })).toThrow(RangeError);
    }
  });

  it('says nothing about the key or the plaintext when it fails', () => {
    const changed = Buffer.from(sealed);
    changed[changed.length - 1] = (changed[changed.length - 1] ?? 0) ^ 1;
    try {
      openWith({ ciphertext: changed });
      expect.unreachable();
    } catch (error) {
      const text = `${String(error)} ${(error as Error).stack ?? ''}`;
      expect(text).not.toContain('ghp_secret');
      expect(text).not.toContain(key.key.toString('hex'));
      expect(text).not.toContain(key.key.toString('base64'));
    }
  });
});
