import { open, seal, type OpenFailureReason } from '@causeloop/platform/crypto';
import type { Keyring, KekVersion } from './keyring.js';

/**
 * Wrapped DEK layout (DESIGN.md §5):
 *
 *   format version (1 byte, = 1) ‖ KEK version (uint32 BE)      ← prefix, parsed first
 *   ‖ nonce (12) ‖ commitment (32) ‖ ciphertext (32) ‖ tag (16)  ← platform `seal`
 *
 * The whole header is authenticated, and the AAD binds the workspace, so a wrapped key
 * copied to another workspace's row does not unwrap.
 */
export const wrappedKeyFormatVersion = 1;
export const wrappedKeyPrefixBytes = 5;
const purpose = 'causeloop/dek-wrap/v1';

export type UnwrapFailureReason =
  | 'unknown_format'
  | 'unknown_kek_version'
  | 'retired_kek_version'
  | 'truncated'
  | 'commitment_mismatch'
  | 'authentication_failed';

export const unwrapFailureReasons: readonly UnwrapFailureReason[] = [
  'unknown_format',
  'unknown_kek_version',
  'retired_kek_version',
  'truncated',
  'commitment_mismatch',
  'authentication_failed',
];

/** Why a wrapped key did not unwrap: for the operators' counter, never for the caller. */
export class UnwrapFailure extends Error {
  override readonly name = 'UnwrapFailure';
  readonly reason: UnwrapFailureReason;
  /** The KEK version the prefix named, when it could be read. */
  readonly kekVersion: number | undefined;

  constructor(reason: UnwrapFailureReason, kekVersion?: number) {
    super(`data key did not unwrap (${reason})`);
    this.reason = reason;
    this.kekVersion = kekVersion;
  }
}

export interface UnwrappedKey {
  readonly dataKey: Buffer;
  readonly kekVersion: number;
}

export function wrapDataKey(kek: KekVersion, workspaceId: string, dataKey: Uint8Array): Buffer {
  const prefix = Buffer.allocUnsafe(wrappedKeyPrefixBytes);
  prefix.writeUInt8(wrappedKeyFormatVersion, 0);
  prefix.writeUInt32BE(kek.version, 1);
  return seal({ key: kek.key, prefix, context: [purpose, workspaceId], plaintext: dataKey });
}

/** The KEK version a wrapped key names, without checking anything else. */
export function wrappedKekVersion(wrapped: Uint8Array): number | undefined {
  if (wrapped.length < wrappedKeyPrefixBytes || wrapped[0] !== wrappedKeyFormatVersion) return undefined;
  return Buffer.from(wrapped.buffer, wrapped.byteOffset, wrapped.length).readUInt32BE(1);
}

/**
 * Unwraps with exactly the KEK version the prefix names. The format and version are
 * checked before any key is used, and there is no trial decryption under other versions:
 * a failure is final, and throws `UnwrapFailure` with its reason.
 */
export function unwrapDataKey(keyring: Keyring, workspaceId: string, wrapped: Uint8Array): UnwrappedKey {
  if (wrapped.length === 0) throw new UnwrapFailure('truncated');
  if (wrapped[0] !== wrappedKeyFormatVersion) throw new UnwrapFailure('unknown_format');
  const kekVersion = wrappedKekVersion(wrapped);
  if (kekVersion === undefined) throw new UnwrapFailure('truncated');
  if (kekVersion < keyring.minDecryptionVersion) throw new UnwrapFailure('retired_kek_version', kekVersion);
  const kek = keyring.get(kekVersion);
  if (kek === undefined) throw new UnwrapFailure('unknown_kek_version', kekVersion);
  try {
    const dataKey = open({ key: kek.key, prefixLength: wrappedKeyPrefixBytes, context: [purpose, workspaceId], sealed: wrapped });
    return { dataKey, kekVersion };
  } catch (error) {
    const reason = openFailureReason(error);
    if (reason !== undefined) throw new UnwrapFailure(reason, kekVersion);
    throw error;
  }
}

/** By name and reason, not `instanceof` (STYLE.md: errors are classified structurally). */
function openFailureReason(error: unknown): OpenFailureReason | undefined {
  if (!(error instanceof Error) || error.name !== 'OpenFailure') return undefined;
  const { reason } = error as Error & { reason?: unknown };
  return reason === 'truncated' || reason === 'commitment_mismatch' || reason === 'authentication_failed'
    ? reason
    : undefined;
}
