import { metric, metricCatalogue, type Registry } from '@causeloop/platform/metrics';
import type { MinerChange } from './grouping/index.js';
import type { Source } from './ingest/sources.js';

/** The insights service's own metrics (the catalogue's `insights` area), on the registry main.ts passes in. */
export interface InsightsMetrics {
  ingested(source: Source, outcome: 'created' | 'updated' | 'rejected'): void;
  /** Starts timing one ingest call; call the result when it has answered. */
  startBatch(): () => void;
  grouped(kind: MinerChange): void;
  predictionIssued(windowDays: number): void;
  predictionScored(outcome: 'hit' | 'miss' | 'void'): void;
}

export function createInsightsMetrics(registry: Registry): InsightsMetrics {
  const ingested = metric(registry, metricCatalogue.insights.issuesIngested);
  const duration = metric(registry, metricCatalogue.insights.ingestBatchDuration);
  const decisions = metric(registry, metricCatalogue.insights.groupingDecisions);
  const issued = metric(registry, metricCatalogue.insights.predictionsIssued);
  const scored = metric(registry, metricCatalogue.insights.predictionsScored);
  return {
    ingested: (source, outcome) => ingested.inc({ source, outcome }),
    startBatch: () => {
      const end = duration.startTimer();
      return () => void end();
    },
    grouped: (kind) => decisions.inc({ kind }),
    predictionIssued: (windowDays) => issued.inc({ window_days: String(windowDays) }),
    predictionScored: (outcome) => scored.inc({ outcome }),
  };
}
