import { readFile } from 'node:fs/promises';
import type { CryptoConfig } from '../config.js';
import { createKeyring, keyringInvalid, type Keyring, type KeyringVariableNames } from './keyring.js';
import { parseMasterKey } from './parse-master-key.js';

/** The keyring variables `loadKeyring` reads from the resolved config. */
export type KeyringConfig = Pick<
  CryptoConfig,
  'nodeEnv' | 'masterKey' | 'masterKeyFile' | 'masterKeyPrimary' | 'masterKeyMinDecryptionVersion'
>;

/**
 * Builds the keyring from `CAUSELOOP_MASTER_KEY` or the file `CAUSELOOP_MASTER_KEY_FILE`
 * names (exactly one: with both, which one wins would be a guess, so neither does).
 * Throws `config_invalid` naming the variables at fault, never the keys.
 */
export async function loadKeyring(config: KeyringConfig): Promise<Keyring> {
  if (config.masterKey !== undefined && config.masterKeyFile !== undefined) {
    throw keyringInvalid([
      'CAUSELOOP_MASTER_KEY and CAUSELOOP_MASTER_KEY_FILE are both set; set exactly one (ambiguous keyring source)',
    ]);
  }
  if (config.masterKey !== undefined) return keyringFromText(config.masterKey, 'CAUSELOOP_MASTER_KEY', config);
  if (config.masterKeyFile !== undefined) {
    return keyringFromText(await readKeyringFile(config.masterKeyFile), 'CAUSELOOP_MASTER_KEY_FILE', config);
  }
  throw keyringInvalid([
    'CAUSELOOP_MASTER_KEY or CAUSELOOP_MASTER_KEY_FILE is required: without a key-encryption key no data key can be made or read',
  ]);
}

export async function readKeyringFile(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unknown error';
    throw keyringInvalid([`CAUSELOOP_MASTER_KEY_FILE could not be read (${code})`]);
  }
}

/** Parses and validates one keyring value; `source` names the variable it came from. */
export function keyringFromText(text: string, source: string, config: KeyringConfig): Keyring {
  const parsed = parseMasterKey(text, source);
  if (parsed.problems.length > 0) throw keyringInvalid(parsed.problems);
  const names: KeyringVariableNames = {
    source,
    primary: 'CAUSELOOP_MASTER_KEY_PRIMARY',
    minDecryptionVersion: 'CAUSELOOP_MASTER_KEY_MIN_DECRYPTION_VERSION',
  };
  return createKeyring({
    entries: parsed.entries,
    primaryVersion: config.masterKeyPrimary,
    minDecryptionVersion: config.masterKeyMinDecryptionVersion,
    production: config.nodeEnv === 'production',
    names,
  });
}
