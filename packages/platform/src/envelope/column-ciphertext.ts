import { open, OpenFailure, seal, sealOverheadBytes, type PreparedKey } from '../crypto/committing-aead.js';
import { DecryptFailure } from './decrypt-failure.js';

/** The only column format so far; a new layout gets a new number, old values keep opening. */
export const columnFormatVersion = 1;
/** AES-256-GCM, random 96-bit nonce, HKDF-SHA256 key commitment (the platform's `seal`). */
export const suiteAes256GcmHkdfSha256 = 1;
/** format version (1) ‖ suite id (1) ‖ DEK version (uint32 BE). */
export const columnHeaderBytes = 6;
/** Purpose label, first part of the AAD: a column value never opens as anything else. */
export const columnPurpose = 'causeloop/column/v1';

export interface ColumnHeader {
  readonly formatVersion: number;
  readonly suite: number;
  readonly dekVersion: number;
}

/** Where a value lives. `workspaceId` comes from the caller's authenticated context, never from the row. */
export interface ColumnLocation {
  readonly workspaceId: string;
  readonly table: string;
  readonly column: string;
}

export interface SealColumnValueOptions extends ColumnLocation {
  readonly key: PreparedKey;
  readonly dekVersion: number;
  readonly plaintext: Uint8Array;
}

export interface OpenColumnValueOptions extends ColumnLocation {
  /**
   * The DEK for the version the header names, or undefined when there is none. Called only
   * after the header parsed, so unknown formats and suites never reach a key.
   */
  readonly keyFor: (dekVersion: number) => PreparedKey | undefined;
  readonly ciphertext: Uint8Array;
}

const maxDekVersion = 0xffff_ffff;

/**
 * Seals one column value: `header ‖ nonce ‖ commitment ‖ ciphertext ‖ tag`, bound to its
 * workspace, table and column (and, by `seal`, to every header byte).
 */
export function sealColumnValue(options: SealColumnValueOptions): Buffer {
  const { dekVersion } = options;
  if (!Number.isInteger(dekVersion) || dekVersion < 1 || dekVersion > maxDekVersion) {
    throw new RangeError(`a DEK version is an integer from 1 to ${maxDekVersion}, got ${dekVersion}`);
  }
  const prefix = Buffer.allocUnsafe(columnHeaderBytes);
  prefix[0] = columnFormatVersion;
  prefix[1] = suiteAes256GcmHkdfSha256;
  prefix.writeUInt32BE(dekVersion, 2);
  return seal({ key: options.key, prefix, context: columnContext(options), plaintext: options.plaintext });
}

/**
 * Parses and checks the header without touching any key: unknown format versions and
 * suites are refused here, and so is anything too short to hold a tag, so the key lookup
 * (a database read and a crypto call) only runs for values that could open.
 */
export function readColumnHeader(bytes: Uint8Array): ColumnHeader {
  const formatVersion = bytes[0];
  if (formatVersion === undefined) throw new DecryptFailure('truncated');
  if (formatVersion !== columnFormatVersion) throw new DecryptFailure('unknown_format');
  const suite = bytes[1];
  if (suite === undefined) throw new DecryptFailure('truncated');
  if (suite !== suiteAes256GcmHkdfSha256) throw new DecryptFailure('unknown_suite');
  if (bytes.length < columnHeaderBytes + sealOverheadBytes) throw new DecryptFailure('truncated');
  const dekVersion = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).readUInt32BE(2);
  // The table's CHECK makes 0 impossible; refusing it here saves a pointless lookup.
  if (dekVersion === 0) throw new DecryptFailure('unknown_dek_version');
  return { formatVersion, suite, dekVersion };
}

/** Opens what `sealColumnValue` produced; throws `DecryptFailure` with the reason otherwise. */
export function openColumnValue(options: OpenColumnValueOptions): Buffer {
  const header = readColumnHeader(options.ciphertext);
  const key = options.keyFor(header.dekVersion);
  if (key === undefined) throw new DecryptFailure('unknown_dek_version');
  try {
    return open({ key, prefixLength: columnHeaderBytes, context: columnContext(options), sealed: options.ciphertext });
  } catch (error) {
    if (error instanceof OpenFailure) throw new DecryptFailure(error.reason);
    throw error;
  }
}

/**
 * The AAD parts. The workspace id is lower-cased so one workspace has one binding however
 * a caller spells its UUID (PostgreSQL returns lower case; withTenant accepts either).
 */
function columnContext(location: ColumnLocation): readonly string[] {
  return [columnPurpose, location.workspaceId.toLowerCase(), location.table, location.column];
}
