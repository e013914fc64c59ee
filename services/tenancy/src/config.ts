import { createPublicKey, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import {
  baseConfigSchema,
  databaseConfigSchema,
  env,
  grpcServerConfigSchema,
  optional,
  type ConfigOf,
} from '@causeloop/platform/config';
import { CauseloopError, type FieldViolation } from '@causeloop/platform/errors';
import { deriveCursorKey } from '@causeloop/platform/pagination';
import { readGovernanceSigningKey, type GovernanceSigningKey } from './certificates/signing-key.js';

/** The tenancy service's environment, as read; `resolveTenancyConfig` checks how the parts fit. */
export const tenancyConfigSchema = {
  ...baseConfigSchema,
  ...grpcServerConfigSchema,
  ...databaseConfigSchema,
  /** Auth's gRPC address: bearer tokens of cluster clients are resolved through its Authenticate. */
  authGrpcAddr: env.string('AUTH_GRPC_ADDR'),
  /** Crypto's gRPC address: a new workspace's data key is made there. */
  cryptoGrpcAddr: env.string('CRYPTO_GRPC_ADDR'),
  /** Auth's Ed25519 public key (SPKI PEM) that principal assertions are verified with. */
  assertionPublicKey: optional(env.string('PRINCIPAL_ASSERTION_PUBLIC_KEY')),
  assertionPublicKeyFile: optional(env.string('PRINCIPAL_ASSERTION_PUBLIC_KEY_FILE')),
  /** Hex SHA-256 of each accepted operator token (clp_op_…); empty: provisioning refuses everyone. */
  operatorTokenSha256: env.list('OPERATOR_TOKEN_SHA256', { default: [] }),
  /** HMAC key of list cursors (at least 32 bytes); required in production so replicas agree. */
  cursorSigningKey: optional(env.secret('CURSOR_SIGNING_KEY', { minLength: 32 })),
  /** Ed25519 PKCS#8 PEM (or a file of it) that signs erasure certificates; required in production. */
  governanceSigningKey: optional(env.secret('GOVERNANCE_SIGNING_KEY')),
  governanceSigningKeyFile: optional(env.string('GOVERNANCE_SIGNING_KEY_FILE')),
  /** How often the leader runs the retention purge; 0 turns it off. */
  retentionPurgeIntervalMs: env.integer('RETENTION_PURGE_INTERVAL_MS', { default: 3_600_000, min: 0, max: 7 * 86_400_000 }),
};

export type TenancyEnvironment = ConfigOf<typeof tenancyConfigSchema>;

export type TenancyConfig = Omit<
  TenancyEnvironment,
  | 'assertionPublicKey'
  | 'assertionPublicKeyFile'
  | 'operatorTokenSha256'
  | 'cursorSigningKey'
  | 'governanceSigningKey'
  | 'governanceSigningKeyFile'
> & {
  readonly assertionPublicKeyPem: string;
  readonly operatorTokenHashes: readonly Buffer[];
  readonly cursorKey: Buffer;
  /** True when no CURSOR_SIGNING_KEY was set outside production (cursors then work on this replica only). */
  readonly cursorKeyEphemeral: boolean;
  /** Signs erasure certificates; the published development key outside production when none is set. */
  readonly governanceSigningKey: GovernanceSigningKey;
};

const sha256Hex = /^[0-9a-f]{64}$/i;

/**
 * Checks what one variable cannot: key formats and production requirements, the governance
 * signing key's included; one config_invalid error naming every problem, in loadConfig's form.
 */
export function resolveTenancyConfig(environment: TenancyEnvironment): TenancyConfig {
  const violations: FieldViolation[] = [];
  const {
    assertionPublicKey,
    assertionPublicKeyFile,
    operatorTokenSha256,
    cursorSigningKey,
    governanceSigningKey,
    governanceSigningKeyFile,
    ...rest
  } = environment;

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

  const operatorTokenHashes: Buffer[] = [];
  for (const entry of operatorTokenSha256) {
    if (sha256Hex.test(entry)) operatorTokenHashes.push(Buffer.from(entry, 'hex'));
    else violations.push({ field: 'OPERATOR_TOKEN_SHA256', description: 'every entry must be 64 hex characters (a SHA-256)' });
  }

  if (cursorSigningKey === undefined && rest.nodeEnv === 'production') {
    violations.push({ field: 'CURSOR_SIGNING_KEY', description: 'is required under NODE_ENV=production' });
  }
  const signing = readGovernanceSigningKey({ nodeEnv: rest.nodeEnv, governanceSigningKey, governanceSigningKeyFile });
  violations.push(...signing.violations);
  if (violations.length > 0 || signing.key === undefined) {
    const lines = violations.map((violation) => `  ${violation.field} ${violation.description}`);
    throw new CauseloopError('config_invalid', `invalid configuration:\n${lines.join('\n')}`, { violations });
  }
  return {
    ...rest,
    assertionPublicKeyPem,
    operatorTokenHashes,
    cursorKey:
      cursorSigningKey === undefined
        ? randomBytes(32)
        : deriveCursorKey(cursorSigningKey, 'tenancy'),
    cursorKeyEphemeral: cursorSigningKey === undefined,
    governanceSigningKey: signing.key,
  };
}
