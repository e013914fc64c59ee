import { AnalysisService } from '@causeloop/proto/causeloop/insights/v1/analysis_pb.js';
import { IngestService } from '@causeloop/proto/causeloop/insights/v1/ingest_pb.js';
import { IssueService } from '@causeloop/proto/causeloop/insights/v1/issues_pb.js';
import { JobService } from '@causeloop/proto/causeloop/insights/v1/jobs_pb.js';
import { PatternService } from '@causeloop/proto/causeloop/insights/v1/patterns_pb.js';
import { PredictionService } from '@causeloop/proto/causeloop/insights/v1/predictions_pb.js';
import { RecommendationService } from '@causeloop/proto/causeloop/insights/v1/recommendations_pb.js';
import type { ServiceImpl } from '@causeloop/platform/grpc';
import { guardService } from '@causeloop/platform/identity';
import type { InsightsDeps } from './deps.js';
import { analyzeIssue, analyzePattern } from './handlers/analyze.js';
import { getIssueAnalysis, getPatternAnalysis } from './handlers/get-analysis.js';
import { getIssue } from './handlers/get-issue.js';
import { getJob } from './handlers/get-job.js';
import { getPattern } from './handlers/get-pattern.js';
import { ingestBatch } from './handlers/ingest-batch.js';
import { ingestEvent } from './handlers/ingest-event.js';
import { linkIssue } from './handlers/link-issue.js';
import { listIssues } from './handlers/list-issues.js';
import { listPatterns } from './handlers/list-patterns.js';
import { listSimilarIssues } from './handlers/list-similar-issues.js';
import { mergePatterns } from './handlers/merge-patterns.js';
import { getPredictionAccuracy, getPredictionSummary, listPredictions } from './handlers/predictions.js';
import {
  getRecommendation,
  listPatternLoops,
  listRecommendations,
  proposePatternRecommendations,
  updateRecommendation,
} from './handlers/recommendations.js';
import { splitPattern } from './handlers/split-pattern.js';
import { unlinkIssue } from './handlers/unlink-issue.js';
import { updateIssue } from './handlers/update-issue.js';
import { updatePattern } from './handlers/update-pattern.js';

// The insights services, assembled from their handlers. Every RPC is scoped: its handler runs
// only after the caller's principal holds the HTTP rule's scope (guardService refuses a
// mismatch at start-up), and the workspace is always the principal's.

/** Ingest: `ingest:write`. */
export function createIngestService(deps: InsightsDeps): ServiceImpl<typeof IngestService> {
  return guardService(IngestService, { scoped: { ingestEvent: ingestEvent(deps), ingestBatch: ingestBatch(deps) } }, deps);
}

/** Issues: `issues:read` and `issues:write`. */
export function createIssueService(deps: InsightsDeps): ServiceImpl<typeof IssueService> {
  return guardService(
    IssueService,
    {
      scoped: {
        getIssue: getIssue(deps),
        listIssues: listIssues(deps),
        updateIssue: updateIssue(deps),
        linkIssue: linkIssue(deps),
        unlinkIssue: unlinkIssue(deps),
        listSimilarIssues: listSimilarIssues(deps),
      },
    },
    deps,
  );
}

/** Patterns: `patterns:read` and `patterns:write`. */
export function createPatternService(deps: InsightsDeps): ServiceImpl<typeof PatternService> {
  return guardService(
    PatternService,
    {
      scoped: {
        getPattern: getPattern(deps),
        listPatterns: listPatterns(deps),
        updatePattern: updatePattern(deps),
        mergePatterns: mergePatterns(deps),
        splitPattern: splitPattern(deps),
      },
    },
    deps,
  );
}

/** Predictions (the ledger, read only): `predictions:read`. */
export function createPredictionService(deps: InsightsDeps): ServiceImpl<typeof PredictionService> {
  return guardService(
    PredictionService,
    {
      scoped: {
        listPredictions: listPredictions(deps),
        getPredictionSummary: getPredictionSummary(deps),
        getPredictionAccuracy: getPredictionAccuracy(deps),
      },
    },
    deps,
  );
}

/** Analysis: `issues:write` / `patterns:write` to analyse, `:read` to read the latest back. */
export function createAnalysisService(deps: InsightsDeps): ServiceImpl<typeof AnalysisService> {
  return guardService(
    AnalysisService,
    {
      scoped: {
        analyzeIssue: analyzeIssue(deps),
        analyzePattern: analyzePattern(deps),
        getIssueAnalysis: getIssueAnalysis(deps),
        getPatternAnalysis: getPatternAnalysis(deps),
      },
    },
    deps,
  );
}

/** Job status (the job queue's jobs of the workspace, read only): `issues:read`. */
export function createJobService(deps: InsightsDeps): ServiceImpl<typeof JobService> {
  return guardService(JobService, { scoped: { getJob: getJob(deps) } }, deps);
}

/** Recommendations and loops: `recommendations:read|write`; a pattern's loops with `patterns:read`. */
export function createRecommendationService(deps: InsightsDeps): ServiceImpl<typeof RecommendationService> {
  return guardService(
    RecommendationService,
    {
      scoped: {
        listRecommendations: listRecommendations(deps),
        getRecommendation: getRecommendation(deps),
        updateRecommendation: updateRecommendation(deps),
        proposeRecommendations: proposePatternRecommendations(deps),
        listPatternLoops: listPatternLoops(deps),
      },
    },
    deps,
  );
}
