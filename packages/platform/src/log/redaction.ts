import { stdSerializers } from 'pino';

/**
 * Keys whose values are never logged, at any depth: tokens and secrets travel under these
 * names (headers, gRPC metadata, config, request bodies).
 */
const secretKeys: ReadonlySet<string> = new Set([
  'authorization',
  'cookie',
  'password',
  'token',
  'access_token',
  'refresh_token',
  'subject_token',
  'secret',
  'masterKey',
  'jwtSecret',
  'databaseUrl',
  'databaseOwnerUrl',
  'x-causeloop-principal',
]);

export const redactionCensor = '[redacted]';

/** Keys ending like these are secrets whatever object holds them (e.g. `config_encrypted`). */
const secretKeySuffixes = ['_encrypted', '_secret', '_token', 'password', 'Secret', 'Token', 'Password'];

/**
 * Deep-copies a value, censoring the keys above and keys that look secret (e.g.
 * `connectors.config_encrypted`), at any depth. The one redaction of every log line: pino's
 * path redaction, which used to run as well, cloned each line again and made 40 % of a
 * backend's allocations per call, for paths this already covers.
 */
export function redactSecretKeys(value: unknown, depth = 0): unknown {
  if (depth > 8 || value === null || typeof value !== 'object') return value;
  // An error's message and stack are not enumerable: serialize it as pino would (type,
  // message, stack, cause), then redact what that holds.
  if (value instanceof Error) return redactSecretKeys({ ...stdSerializers.err(value) }, depth + 1);
  if (Array.isArray(value)) return value.map((item) => redactSecretKeys(item, depth + 1));
  const copy: Record<string, unknown> = {};
  for (const [key, entry] of Object.entries(value)) {
    copy[key] = secretKeys.has(key) || secretKeySuffixes.some((suffix) => key.endsWith(suffix))
      ? redactionCensor
      : redactSecretKeys(entry, depth + 1);
  }
  return copy;
}
