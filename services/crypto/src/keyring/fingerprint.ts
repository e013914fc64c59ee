import { createHmac } from 'node:crypto';

const fingerprintLabel = 'causeloop/kek-fingerprint/v1';

/**
 * First 16 hex characters of HMAC-SHA256(key, label): tells keys apart across replicas
 * and secrets (is every pod on the same version 3?) without revealing anything about them.
 */
export function kekFingerprint(key: Uint8Array): string {
  return createHmac('sha256', key).update(fingerprintLabel, 'utf8').digest('hex').slice(0, 16);
}
