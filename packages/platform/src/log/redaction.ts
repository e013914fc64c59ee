import { stdSerializers } from 'pino';

/**
 * Paths pino censors before a line is written. Tokens and secrets travel under these
 * names (headers, gRPC metadata, config, request bodies); anything matching is replaced,
 * never logged.
 */
export const redactedPaths: readonly string[] = [
  'authorization',
  '*.authorization',
  'headers.authorization',
  'req.headers.authorization',
  'req.headers.cookie',
  'metadata.authorization',
  'password',
  '*.password',
  'token',
  '*.token',
  '*.*.token',
  'access_token',
  '*.access_token',
  'refresh_token',
  '*.refresh_token',
  'subject_token',
  '*.subject_token',
  'secret',
  '*.secret',
  'masterKey',
  '*.masterKey',
  'jwtSecret',
  '*.jwtSecret',
  'databaseUrl',
  '*.databaseUrl',
  'databaseOwnerUrl',
  '*.databaseOwnerUrl',
  'x-causeloop-principal',
  '*["x-causeloop-principal"]',
];

export const redactionCensor = '[redacted]';

/** Keys ending like these are secrets whatever object holds them (e.g. `config_encrypted`). */
const secretKeySuffixes = ['_encrypted', '_secret', '_token', 'password', 'Secret', 'Token', 'Password'];

/**
 * Deep-copies a value, censoring keys that look secret. pino's path redaction needs exact
 * paths; this catches the rest (e.g. `connectors.config_encrypted` at any depth).
 */
export function redactSecretKeys(value: unknown, depth = 0): unknown {
  if (depth > 8 || value === null || typeof value !== 'object') return value;
  // An error's message and stack are not enumerable: serialize it as pino would (type,
  // message, stack, cause), then redact what that holds.
  if (value instanceof Error) return redactSecretKeys({ ...stdSerializers.err(value) }, depth + 1);
  if (Array.isArray(value)) return value.map((item) => redactSecretKeys(item, depth + 1));
  const copy: Record<string, unknown> = {};
  for (const [key, entry] of Object.entries(value)) {
    copy[key] = secretKeySuffixes.some((suffix) => key.endsWith(suffix))
      ? redactionCensor
      : redactSecretKeys(entry, depth + 1);
  }
  return copy;
}
