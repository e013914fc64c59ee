import {
  backendKeysConfigSchema,
  baseConfigSchema,
  databaseConfigSchema,
  env,
  grpcServerConfigSchema,
  leaderElectionConfigSchema,
  resolveBackendKeys,
  throwIfConfigInvalid,
  type BackendKeys,
  type ConfigOf,
} from '@causeloop/platform/config';
import type { FieldViolation } from '@causeloop/platform/errors';
import { llmConfigSchema, resolveLlmSettings, type LlmEnvironment, type LlmSettings } from './llm/llm-config.js';

/** The insights service's environment, as read; `resolveInsightsConfig` checks how the parts fit. */
export const insightsConfigSchema = {
  ...baseConfigSchema,
  ...grpcServerConfigSchema,
  ...databaseConfigSchema,
  /** Auth's gRPC address: bearer tokens of cluster clients are resolved through its Authenticate. */
  authGrpcAddr: env.string('AUTH_GRPC_ADDR'),
  ...backendKeysConfigSchema,
  ...leaderElectionConfigSchema,
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
  /** Jobs of the job queue this replica works at once (also the most it claims per call). */
  jobWorkerConcurrency: env.integer('JOB_WORKER_CONCURRENCY', { default: 10, min: 1, max: 100 }),
  /** How long a claimed job stays this replica's without renewal; a killed replica's jobs run again after it. */
  jobLeaseMs: env.integer('JOB_LEASE_MS', { default: 30_000, min: 1_000, max: 3_600_000 }),
  /** Idle wait between looks for jobs when the queue was empty. */
  jobPollIntervalMs: env.integer('JOB_POLL_INTERVAL_MS', { default: 1_000, min: 10, max: 60_000 }),
  /** Language-model providers of analysis and recommendations (llm/llm-config.ts). */
  ...llmConfigSchema,
};

export type InsightsEnvironment = ConfigOf<typeof insightsConfigSchema>;

export type InsightsConfig = Omit<InsightsEnvironment, 'assertionPublicKey' | 'assertionPublicKeyFile' | 'cursorSigningKey' | keyof LlmEnvironment> &
  BackendKeys & { readonly llm: LlmSettings };

/**
 * Checks what one variable cannot (the assertion key, production's cursor key, the key of the
 * chosen LLM provider); one config_invalid error naming every problem.
 */
export function resolveInsightsConfig(environment: InsightsEnvironment): InsightsConfig {
  const violations: FieldViolation[] = [];
  const { assertionPublicKey, assertionPublicKeyFile, cursorSigningKey, ...rest } = environment;
  const keys = resolveBackendKeys(environment, 'insights', violations);
  const llm = resolveLlmSettings(environment, violations);
  throwIfConfigInvalid(violations);
  return { ...withoutLlmVariables(rest), ...keys, llm };
}

/** The LLM variables live on in `llm` only, resolved: nothing else reads the raw keys. */
function withoutLlmVariables<T extends LlmEnvironment>(environment: T): Omit<T, keyof LlmEnvironment> {
  const rest: Partial<T> = { ...environment };
  for (const name of Object.keys(llmConfigSchema)) delete rest[name as keyof T];
  return rest as Omit<T, keyof LlmEnvironment>;
}
