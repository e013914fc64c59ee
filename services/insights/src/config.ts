import {
  backendKeysConfigSchema,
  baseConfigSchema,
  databaseConfigSchema,
  env,
  grpcServerConfigSchema,
  resolveBackendKeys,
  throwIfConfigInvalid,
  type BackendKeys,
  type ConfigOf,
} from '@causeloop/platform/config';
import type { FieldViolation } from '@causeloop/platform/errors';

/** The insights service's environment, as read; `resolveInsightsConfig` checks how the parts fit. */
export const insightsConfigSchema = {
  ...baseConfigSchema,
  ...grpcServerConfigSchema,
  ...databaseConfigSchema,
  /** Auth's gRPC address: bearer tokens of cluster clients are resolved through its Authenticate. */
  authGrpcAddr: env.string('AUTH_GRPC_ADDR'),
  ...backendKeysConfigSchema,
  /**
   * Template clusters each workspace's miner keeps (the least recently matched go first).
   * Every replica must use the same value: a miner rebuilt elsewhere must decide alike.
   */
  minerMaxClusters: env.integer('INSIGHTS_MINER_MAX_CLUSTERS', { default: 5_000, min: 100, max: 100_000 }),
  /** Workspaces whose miner this replica keeps in memory (least recently used go first). */
  minerCacheWorkspaces: env.integer('INSIGHTS_MINER_CACHE_WORKSPACES', { default: 256, min: 1, max: 100_000 }),
  /** How often this replica tries to run the predictor (one replica at a time does); 0 turns it off. */
  predictionIntervalMs: env.integer('PREDICTION_INTERVAL_MS', { default: 3_600_000, min: 0, max: 86_400_000 }),
  /** How long after a prediction's window closes its outcome is written, so late-arriving issues still count. */
  predictionGraceMs: env.integer('PREDICTION_GRACE_MS', { default: 3_600_000, min: 0, max: 7 * 86_400_000 }),
};

export type InsightsEnvironment = ConfigOf<typeof insightsConfigSchema>;

export type InsightsConfig = Omit<InsightsEnvironment, 'assertionPublicKey' | 'assertionPublicKeyFile' | 'cursorSigningKey'> & BackendKeys;

/** Checks what one variable cannot (the assertion key, production's cursor key); one config_invalid error naming every problem. */
export function resolveInsightsConfig(environment: InsightsEnvironment): InsightsConfig {
  const violations: FieldViolation[] = [];
  const { assertionPublicKey, assertionPublicKeyFile, cursorSigningKey, ...rest } = environment;
  const keys = resolveBackendKeys(environment, 'insights', violations);
  throwIfConfigInvalid(violations);
  return { ...rest, ...keys };
}
