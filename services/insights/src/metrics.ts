import { metric, metricCatalogue, type Registry } from '@causeloop/platform/metrics';
import type { MinerChange } from './grouping/index.js';
import type { Source } from './ingest/sources.js';

/** The insights service's own metrics (the catalogue's `insights` area), on the registry main.ts passes in. */
export interface InsightsMetrics {
  ingested(source: Source, outcome: 'created' | 'updated' | 'rejected'): void;
  /** Starts timing one ingest call; call the result when it has answered. */
  startBatch(): () => void;
  grouped(kind: MinerChange): void;
}

export function createInsightsMetrics(registry: Registry): InsightsMetrics {
  const ingested = metric(registry, metricCatalogue.insights.issuesIngested);
  const duration = metric(registry, metricCatalogue.insights.ingestBatchDuration);
  const decisions = metric(registry, metricCatalogue.insights.groupingDecisions);
  return {
    ingested: (source, outcome) => ingested.inc({ source, outcome }),
    startBatch: () => {
      const end = duration.startTimer();
      return () => void end();
    },
    grouped: (kind) => decisions.inc({ kind }),
  };
}
