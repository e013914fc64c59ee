import { prepareKey, type PreparedKey } from '@causeloop/platform/crypto';
import { CauseloopError } from '@causeloop/platform/errors';
import { developmentMasterKey } from '../development-key.js';
import { kekFingerprint } from './fingerprint.js';
import type { KekEntry } from './parse-master-key.js';

/** One loaded KEK version. `key` is never logged or returned; `fingerprint` may be. */
export interface KekVersion {
  readonly version: number;
  readonly key: PreparedKey;
  readonly fingerprint: string;
}

/** An immutable, validated keyring; a reload builds a new one and swaps it in whole. */
export interface Keyring {
  /** Every configured version, ascending, retired ones included. */
  readonly versions: readonly KekVersion[];
  readonly primary: KekVersion;
  /** Versions below this are retired: what they wrapped no longer unwraps. */
  readonly minDecryptionVersion: number;
  /** The version if it is configured, retired or not. */
  get(version: number): KekVersion | undefined;
}

export interface KeyringOptions {
  readonly entries: readonly KekEntry[];
  /** Without it, the highest version is primary. */
  readonly primaryVersion?: number | undefined;
  readonly minDecryptionVersion?: number;
  /** Refuse the development key and degenerate keys (`NODE_ENV=production`). */
  readonly production?: boolean;
  /** Variable names for the messages, e.g. `CAUSELOOP_MASTER_KEY_FILE`. */
  readonly names?: KeyringVariableNames;
}

export interface KeyringVariableNames {
  readonly source: string;
  readonly primary: string;
  readonly minDecryptionVersion: string;
}

export const defaultKeyringVariableNames: KeyringVariableNames = {
  source: 'CAUSELOOP_MASTER_KEY',
  primary: 'CAUSELOOP_MASTER_KEY_PRIMARY',
  minDecryptionVersion: 'CAUSELOOP_MASTER_KEY_MIN_DECRYPTION_VERSION',
};

const developmentKey = Buffer.from(developmentMasterKey, 'base64');

/**
 * Checks the keyring rules and returns the keyring, or throws one `config_invalid` error
 * listing every problem (names of variables and versions only, never key bytes).
 */
export function createKeyring(options: KeyringOptions): Keyring {
  const names = options.names ?? defaultKeyringVariableNames;
  const minDecryptionVersion = options.minDecryptionVersion ?? 1;
  const problems = keyringProblems(options.entries, names, minDecryptionVersion, options.production ?? false);
  const sorted = [...options.entries].sort((a, b) => a.version - b.version);
  const primaryVersion = options.primaryVersion ?? sorted.at(-1)?.version;
  if (sorted.length > 0 && primaryVersion !== undefined) {
    if (!sorted.some((entry) => entry.version === primaryVersion)) {
      problems.push(`${names.primary} is ${primaryVersion}, but ${names.source} has no version ${primaryVersion}`);
    } else if (primaryVersion < minDecryptionVersion) {
      const variable = options.primaryVersion === undefined ? `the primary (highest) version` : names.primary;
      problems.push(`${variable} ${primaryVersion} is retired by ${names.minDecryptionVersion}=${minDecryptionVersion}`);
    }
  }
  if (problems.length > 0) throw keyringInvalid(problems);

  const versions = sorted.map(
    (entry): KekVersion => ({ version: entry.version, key: prepareKey(entry.key), fingerprint: kekFingerprint(entry.key) }),
  );
  const byVersion = new Map(versions.map((version) => [version.version, version]));
  return Object.freeze({
    versions: Object.freeze(versions),
    primary: byVersion.get(primaryVersion!)!,
    minDecryptionVersion,
    get: (version: number) => byVersion.get(version),
  });
}

function keyringProblems(
  entries: readonly KekEntry[],
  names: KeyringVariableNames,
  minDecryptionVersion: number,
  production: boolean,
): string[] {
  const problems: string[] = [];
  if (entries.length === 0) problems.push(`${names.source} holds no key`);
  const seen = new Set<number>();
  for (const { version, key } of entries) {
    if (seen.has(version)) problems.push(`${names.source} lists version ${version} more than once`);
    seen.add(version);
    if (key.length !== 32) problems.push(`${names.source} version ${version} must be 32 bytes, got ${key.length}`);
    if (!production) continue;
    if (key.equals(developmentKey)) {
      problems.push(`${names.source} version ${version} is the published development key, refused under NODE_ENV=production`);
    } else if (key.every((byte) => byte === key[0])) {
      problems.push(`${names.source} version ${version} has all-identical bytes, refused under NODE_ENV=production`);
    }
  }
  if (minDecryptionVersion < 1 || !Number.isInteger(minDecryptionVersion)) {
    problems.push(`${names.minDecryptionVersion} must be a positive integer`);
  }
  return problems;
}

export function keyringInvalid(problems: readonly string[]): CauseloopError {
  return new CauseloopError('config_invalid', `invalid keyring:\n${problems.map((line) => `  ${line}`).join('\n')}`, {
    violations: problems.map((description) => ({ field: 'keyring', description })),
  });
}

/** What may be logged or returned about a keyring: versions, fingerprints, primary. */
export function describeKeyring(keyring: Keyring): {
  versions: { version: number; fingerprint: string; retired: boolean }[];
  primary_version: number;
  min_decryption_version: number;
} {
  return {
    versions: keyring.versions.map(({ version, fingerprint }) => ({
      version,
      fingerprint,
      retired: version < keyring.minDecryptionVersion,
    })),
    primary_version: keyring.primary.version,
    min_decryption_version: keyring.minDecryptionVersion,
  };
}
