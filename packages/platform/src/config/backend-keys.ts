import { createPublicKey, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { FieldViolation } from '../errors/causeloop-error.js';
import { deriveCursorKey } from '../pagination/signed-cursor.js';
import { env, optional } from './env-var.js';

/**
 * The keys every backend that serves workspace callers needs: auth's Ed25519 public key,
 * which verifies the gateway's principal assertions, and the HMAC secret of list cursors.
 */
export const backendKeysConfigSchema = {
  /** Auth's Ed25519 public key (SPKI PEM) that principal assertions are verified with. */
  assertionPublicKey: optional(env.string('PRINCIPAL_ASSERTION_PUBLIC_KEY')),
  assertionPublicKeyFile: optional(env.string('PRINCIPAL_ASSERTION_PUBLIC_KEY_FILE')),
  /** HMAC key of list cursors (at least 32 bytes); required in production so replicas agree. */
  cursorSigningKey: optional(env.secret('CURSOR_SIGNING_KEY', { minLength: 32 })),
};

export interface BackendKeysEnvironment {
  readonly nodeEnv: string;
  readonly assertionPublicKey?: string | undefined;
  readonly assertionPublicKeyFile?: string | undefined;
  readonly cursorSigningKey?: string | undefined;
}

export interface BackendKeys {
  readonly assertionPublicKeyPem: string;
  /** This service's own cursor key, derived from CURSOR_SIGNING_KEY (or random outside production). */
  readonly cursorKey: Buffer;
  /** True when no CURSOR_SIGNING_KEY was set outside production (cursors then work on this replica only). */
  readonly cursorKeyEphemeral: boolean;
}

/**
 * Checks what one variable cannot: exactly one of the assertion key's two variables, naming
 * an Ed25519 key, and a cursor key under production. Problems are added to `violations`
 * (the caller reports them all at once with the rest of its configuration's).
 */
export function resolveBackendKeys(environment: BackendKeysEnvironment, service: string, violations: FieldViolation[]): BackendKeys {
  const { assertionPublicKey, assertionPublicKeyFile, cursorSigningKey } = environment;
  let assertionPublicKeyPem = '';
  if ((assertionPublicKey === undefined) === (assertionPublicKeyFile === undefined)) {
    violations.push({
      field: 'PRINCIPAL_ASSERTION_PUBLIC_KEY',
      description: 'set exactly one of PRINCIPAL_ASSERTION_PUBLIC_KEY and PRINCIPAL_ASSERTION_PUBLIC_KEY_FILE',
    });
  } else {
    try {
      const pem = assertionPublicKey ?? readFileSync(assertionPublicKeyFile!, 'utf8');
      if (createPublicKey(pem).asymmetricKeyType !== 'ed25519') throw new Error('not Ed25519');
      assertionPublicKeyPem = pem;
    } catch {
      violations.push({ field: 'PRINCIPAL_ASSERTION_PUBLIC_KEY', description: 'must be an Ed25519 public key (SPKI PEM)' });
    }
  }
  if (cursorSigningKey === undefined && environment.nodeEnv === 'production') {
    violations.push({ field: 'CURSOR_SIGNING_KEY', description: 'is required under NODE_ENV=production' });
  }
  return {
    assertionPublicKeyPem,
    // Each service derives its own key, so a cursor of one service is refused by another.
    cursorKey: cursorSigningKey === undefined ? randomBytes(32) : deriveCursorKey(cursorSigningKey, service),
    cursorKeyEphemeral: cursorSigningKey === undefined,
  };
}
