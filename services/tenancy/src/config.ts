import {
  backendKeysConfigSchema,
  baseConfigSchema,
  databaseConfigSchema,
  env,
  grpcServerConfigSchema,
  leaderElectionConfigSchema,
  optional,
  resolveBackendKeys,
  throwIfConfigInvalid,
  type BackendKeys,
  type ConfigOf,
} from '@causeloop/platform/config';
import type { FieldViolation } from '@causeloop/platform/errors';
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
  ...backendKeysConfigSchema,
  ...leaderElectionConfigSchema,
  /** Hex SHA-256 of each accepted operator token (clp_op_…); empty: provisioning refuses everyone. */
  operatorTokenSha256: env.list('OPERATOR_TOKEN_SHA256', { default: [] }),
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
> &
  BackendKeys & {
    readonly operatorTokenHashes: readonly Buffer[];
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

  const keys = resolveBackendKeys(environment, 'tenancy', violations);

  const operatorTokenHashes: Buffer[] = [];
  for (const entry of operatorTokenSha256) {
    if (sha256Hex.test(entry)) operatorTokenHashes.push(Buffer.from(entry, 'hex'));
    else violations.push({ field: 'OPERATOR_TOKEN_SHA256', description: 'every entry must be 64 hex characters (a SHA-256)' });
  }

  const signing = readGovernanceSigningKey({ nodeEnv: rest.nodeEnv, governanceSigningKey, governanceSigningKeyFile });
  violations.push(...signing.violations);
  throwIfConfigInvalid(violations);
  // readGovernanceSigningKey names a violation whenever it returns no key.
  if (signing.key === undefined) throw new Error('governance signing key missing without a violation');
  return {
    ...rest,
    ...keys,
    operatorTokenHashes,
    governanceSigningKey: signing.key,
  };
}
