import { metric, metricCatalogue, type Registry } from '@causeloop/platform/metrics';
import type { MinerChange } from './grouping/index.js';
import type { Source } from './ingest/sources.js';
import type { LlmProviderName, TokenUsage } from './llm/llm-provider.js';
import type { StructuredStatus } from './llm/structured-generator.js';

/** The insights service's own metrics (the catalogue's `insights` area), on the registry main.ts passes in. */
export interface InsightsMetrics {
  ingested(source: Source, outcome: 'created' | 'updated' | 'rejected'): void;
  /** Starts timing one ingest call; call the result when it has answered. */
  startBatch(): () => void;
  grouped(kind: MinerChange): void;
  predictionIssued(windowDays: number): void;
  predictionScored(outcome: 'hit' | 'miss' | 'void'): void;
  loopClosed(outcome: 'held' | 'not_held'): void;
  analysisRecorded(provider: LlmProviderName, outcome: StructuredStatus): void;
  llmRequest(provider: LlmProviderName, seconds: number): void;
  llmTokens(provider: LlmProviderName, usage: TokenUsage): void;
}

export function createInsightsMetrics(registry: Registry): InsightsMetrics {
  const ingested = metric(registry, metricCatalogue.insights.issuesIngested);
  const duration = metric(registry, metricCatalogue.insights.ingestBatchDuration);
  const decisions = metric(registry, metricCatalogue.insights.groupingDecisions);
  const issued = metric(registry, metricCatalogue.insights.predictionsIssued);
  const scored = metric(registry, metricCatalogue.insights.predictionsScored);
  const loopsClosed = metric(registry, metricCatalogue.insights.loopsClosed);
  const analyses = metric(registry, metricCatalogue.insights.analyses);
  const llmDuration = metric(registry, metricCatalogue.insights.llmRequestDuration);
  const llmTokens = metric(registry, metricCatalogue.insights.llmTokens);
  return {
    ingested: (source, outcome) => ingested.inc({ source, outcome }),
    startBatch: () => {
      const end = duration.startTimer();
      return () => void end();
    },
    grouped: (kind) => decisions.inc({ kind }),
    predictionIssued: (windowDays) => issued.inc({ window_days: String(windowDays) }),
    predictionScored: (outcome) => scored.inc({ outcome }),
    loopClosed: (outcome) => loopsClosed.inc({ outcome }),
    analysisRecorded: (provider, outcome) => analyses.inc({ provider, outcome }),
    llmRequest: (provider, seconds) => llmDuration.observe({ provider }, seconds),
    llmTokens: (provider, usage) => {
      llmTokens.inc({ provider, direction: 'input' }, usage.inputTokens);
      llmTokens.inc({ provider, direction: 'output' }, usage.outputTokens);
    },
  };
}
