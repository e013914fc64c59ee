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

/** The insights service's environment, as read; `resolveInsightsConfig` checks how the parts fit. */
export const insightsConfigSchema = {
  ...baseConfigSchema,
  ...grpcServerConfigSchema,
  ...databaseConfigSchema,
  /** Auth's gRPC address: bearer tokens of cluster clients are resolved through its Authenticate. */
  authGrpcAddr: env.string('AUTH_GRPC_ADDR'),
  /** Auth's Ed25519 public key (SPKI PEM) that principal assertions are verified with. */
  assertionPublicKey: optional(env.string('PRINCIPAL_ASSERTION_PUBLIC_KEY')),
  assertionPublicKeyFile: optional(env.string('PRINCIPAL_ASSERTION_PUBLIC_KEY_FILE')),
  /** HMAC key of list cursors (at least 32 bytes); required in production so replicas agree. */
  cursorSigningKey: optional(env.secret('CURSOR_SIGNING_KEY', { minLength: 32 })),
  /**
   * Template clusters each workspace's miner keeps (the least recently matched go first).
   * Every replica must use the same value: a miner rebuilt elsewhere must decide alike.
   */
  minerMaxClusters: env.integer('INSIGHTS_MINER_MAX_CLUSTERS', { default: 5_000, min: 100, max: 100_000 }),
  /** Workspaces whose miner this replica keeps in memory (least recently used go first). */
  minerCacheWorkspaces: env.integer('INSIGHTS_MINER_CACHE_WORKSPACES', { default: 256, min: 1, max: 100_000 }),
};

export type InsightsEnvironment = ConfigOf<typeof insightsConfigSchema>;

export type InsightsConfig = Omit<InsightsEnvironment, 'assertionPublicKey' | 'assertionPublicKeyFile' | 'cursorSigningKey'> & {
  readonly assertionPublicKeyPem: string;
  readonly cursorKey: Buffer;
  /** True when no CURSOR_SIGNING_KEY was set outside production (cursors then work on this replica only). */
  readonly cursorKeyEphemeral: boolean;
};

/**
 * Checks what one variable cannot: the assertion key (exactly one of the two variables, an
 * Ed25519 key) and production's cursor key; one config_invalid error naming every problem.
 */
export function resolveInsightsConfig(environment: InsightsEnvironment): InsightsConfig {
  const violations: FieldViolation[] = [];
  const { assertionPublicKey, assertionPublicKeyFile, cursorSigningKey, ...rest } = environment;

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
  if (cursorSigningKey === undefined && rest.nodeEnv === 'production') {
    violations.push({ field: 'CURSOR_SIGNING_KEY', description: 'is required under NODE_ENV=production' });
  }
  if (violations.length > 0) {
    const lines = violations.map((violation) => `  ${violation.field} ${violation.description}`);
    throw new CauseloopError('config_invalid', `invalid configuration:\n${lines.join('\n')}`, { violations });
  }
  return {
    ...rest,
    assertionPublicKeyPem,
    cursorKey: cursorSigningKey === undefined ? randomBytes(32) : deriveCursorKey(cursorSigningKey, 'insights'),
    cursorKeyEphemeral: cursorSigningKey === undefined,
  };
}
