import { randomBytes } from 'node:crypto';

/**
 * A new key-encryption key entry for CAUSELOOP_MASTER_KEY, `<version>:<base64 of 32
 * random bytes>`, to append to the keyring secret.
 */
export function generateKekEntry(version: number): string {
  if (!Number.isInteger(version) || version < 1) throw new Error(`a KEK version is a positive integer, got ${version}`);
  return `${version}:${randomBytes(32).toString('base64')}`;
}
