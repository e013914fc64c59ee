import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { encodeAssociatedData, open, OpenFailure, prepareKey, seal, type OpenFailureReason } from '../../src/crypto/index.js';

const key = prepareKey(randomBytes(32));
const prefix = Buffer.from([1, 1, 0, 0, 0, 7]);
const context = ['causeloop/column/v1', '0190a1b2-c3d4-7e5f-8a6b-7c8d9e0f1a2b', 'connectors', 'config'];
const plaintext = Buffer.from('{"token":"ghp_secret"}');

function reasonOf(run: () => unknown): OpenFailureReason | 'opened' {
  try {
    run();
    return 'opened';
  } catch (error) {
    if (error instanceof OpenFailure) return error.reason;
    throw error;
  }
}

const sealed = seal({ key, prefix, context, plaintext });
const openWith = (changes: { sealed?: Uint8Array; context?: string[]; key?: typeof key }) =>
  open({ key: changes.key ?? key, prefixLength: prefix.length, context: changes.context ?? context, sealed: changes.sealed ?? sealed });

describe('committing AES-256-GCM', () => {
  it('round-trips, with the prefix in clear and a fresh nonce every time', () => {
    expect(openWith({})).toEqual(plaintext);
    expect(sealed.subarray(0, prefix.length)).toEqual(prefix);
    expect(seal({ key, prefix, context, plaintext })).not.toEqual(sealed);
    expect(sealed.length).toBe(prefix.length + 12 + 32 + plaintext.length + 16);
  });

  it('refuses another key at the commitment, before decrypting', () => {
    expect(reasonOf(() => openWith({ key: prepareKey(randomBytes(32)) }))).toBe('commitment_mismatch');
  });

  it('refuses the value under another workspace, table or column', () => {
    for (const index of [1, 2, 3]) {
      const moved = [...context];
      moved[index] = `${moved[index]}x`;
      expect(reasonOf(() => openWith({ context: moved }))).toBe('authentication_failed');
    }
  });

  it('refuses any changed byte, wherever it is', () => {
    const outcomes = new Set<string>();
    for (let position = 0; position < sealed.length; position++) {
      const tampered = Buffer.from(sealed);
      tampered[position]! ^= 0x01;
      const outcome = reasonOf(() => openWith({ sealed: tampered }));
      expect(outcome, `byte ${position}`).not.toBe('opened');
      outcomes.add(outcome);
    }
    // Nonce and commitment bytes fail the commitment; prefix, body and tag fail GCM.
    expect(outcomes).toEqual(new Set(['commitment_mismatch', 'authentication_failed']));
  });

  it('refuses truncated input', () => {
    expect(reasonOf(() => openWith({ sealed: sealed.subarray(0, prefix.length + 40) }))).toBe('truncated');
    expect(reasonOf(() => openWith({ sealed: sealed.subarray(0, sealed.length - 1) }))).toBe('authentication_failed');
  });

  it('rejects keys that are not 32 bytes', () => {
    expect(() => prepareKey(randomBytes(16))).toThrow(/32 bytes/);
  });
});

describe('associated data encoding', () => {
  it('is unambiguous where plain concatenation is not', () => {
    expect(encodeAssociatedData(['ab', 'c'])).not.toEqual(encodeAssociatedData(['a', 'bc']));
    expect(encodeAssociatedData(['', 'abc'])).not.toEqual(encodeAssociatedData(['abc']));
    expect(encodeAssociatedData(['a', Buffer.from([1, 2])])).toEqual(Buffer.from([0, 0, 0, 1, 97, 0, 0, 0, 2, 1, 2]));
  });
});
