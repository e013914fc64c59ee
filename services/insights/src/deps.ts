import type { Pool } from 'pg';
import type { PrincipalResolver } from '@causeloop/platform/identity';
import type { Registry } from '@causeloop/platform/metrics';
import type { RecordChecker } from './ingest/failure-record.js';
import type { WorkspaceMiners } from './ingest/workspace-miners.js';
import type { StructuredGenerator } from './llm/structured-generator.js';
import type { InsightsMetrics } from './metrics.js';
import type { AnalysisStore } from './stores/analysis-store.js';
import type { IssueStore } from './stores/issue-store.js';
import type { LoopStore } from './stores/loop-store.js';
import type { OutboxStore } from './stores/outbox-store.js';
import type { PatternRouteStore } from './stores/pattern-route-store.js';
import type { PatternStore } from './stores/pattern-store.js';
import type { RecommendationStore } from './stores/recommendation-store.js';
import type { TemplateMinerStore } from './stores/template-miner-store.js';

/**
 * Everything the insights service's handlers are built from, stores included, made once in
 * main.ts (or a test). Each handler and service factory names the part it uses
 * (`Pick<InsightsDeps, …>`), so a test builds only that.
 */
export interface InsightsDeps {
  /** The app-role pool; every tenant query goes through `withTenant` on it. */
  readonly pool: Pool;
  /** Resolves the caller of a scoped RPC (principal assertion or bearer token). */
  readonly principals: PrincipalResolver;
  /** The service's metrics registry (the gate's counters and the service's own). */
  readonly registry: Registry;
  readonly metrics: InsightsMetrics;
  /** Now; tests pass a fixed clock. */
  readonly clock: () => Date;
  /** Signs list cursors (platform readPage/writePage); the same on every replica (CURSOR_SIGNING_KEY). */
  readonly cursorKey: Buffer;
  /** Checks failure records against FailureRecord's declared rules. */
  readonly records: RecordChecker;
  /** Each workspace's template miner, rebuilt from the database when stale. */
  readonly miners: WorkspaceMiners;
  /** Runs one workspace's grouping work at a time in this process. */
  readonly workspaceQueue: <T>(workspaceId: string, work: () => Promise<T>) => Promise<T>;
  /** The job queue's worker: a handler that enqueued a job wakes it after the commit (absent in tests that run none). */
  readonly jobWorker?: { wake(): void } | undefined;
  /** Structured answers from the configured LLM provider (or the offline one), validated, per-workspace capped. */
  readonly llm: StructuredGenerator;

  readonly issues: IssueStore;
  readonly patterns: PatternStore;
  readonly routes: PatternRouteStore;
  readonly minerState: TemplateMinerStore;
  readonly analyses: AnalysisStore;
  readonly recommendations: RecommendationStore;
  readonly loops: LoopStore;
  readonly outbox: OutboxStore;
}
