// The insights service (issues #18, #19): ingestion of failure records, issues, grouping into
// patterns (merge and split that stay done), similar issues, predictions and analysis by a
// language model (or the offline provider). Wiring only.
import { AuthService } from '@causeloop/proto/causeloop/auth/v1/auth_pb.js';
import { AnalysisService } from '@causeloop/proto/causeloop/insights/v1/analysis_pb.js';
import { IngestService } from '@causeloop/proto/causeloop/insights/v1/ingest_pb.js';
import { IssueService } from '@causeloop/proto/causeloop/insights/v1/issues_pb.js';
import { JobService } from '@causeloop/proto/causeloop/insights/v1/jobs_pb.js';
import { PatternService } from '@causeloop/proto/causeloop/insights/v1/patterns_pb.js';
import { PredictionService } from '@causeloop/proto/causeloop/insights/v1/predictions_pb.js';
import { RecommendationService } from '@causeloop/proto/causeloop/insights/v1/recommendations_pb.js';
import { loadConfig } from '@causeloop/platform/config';
import { createGrpcClient, createGrpcServer } from '@causeloop/platform/grpc';
import {
  createAssertionVerifier,
  createAuthServiceAuthenticator,
  createPrincipalResolver,
} from '@causeloop/platform/identity';
import { createJobWorker } from '@causeloop/platform/job-queue';
import { leaderOnly, startLeaderElection } from '@causeloop/platform/leader';
import { scheduleRecurringJob } from '@causeloop/platform/lifecycle';
import { connectDatabase, createServiceRuntime, runService, serveGrpc, serveOps } from '@causeloop/platform/runtime';
import { insightsConfigSchema, resolveInsightsConfig } from './config.js';
import type { InsightsDeps } from './deps.js';
import { createRecordChecker } from './ingest/failure-record.js';
import { runPredictor } from './jobs/predictor.js';
import { runLoopWatcher } from './loop/loop-watcher.js';
import { analysisHandler, analysisJob } from './analysis/analysis-job.js';
import { patternAnalysisHandler, patternAnalysisJob } from './loop/pattern-analysis-job.js';
import { recommendationsHandler, recommendationsJob } from './loop/recommendations-job.js';
import { createWorkspaceMiners, createWorkspaceQueue } from './ingest/workspace-miners.js';
import { createLlm } from './llm/create-llm-provider.js';
import { createInsightsMetrics } from './metrics.js';
import {
  createAnalysisService,
  createIngestService,
  createIssueService,
  createJobService,
  createPatternService,
  createPredictionService,
  createRecommendationService,
} from './services.js';
import { PgAnalysisStore } from './stores/analysis-store.js';
import { PgIssueStore } from './stores/issue-store.js';
import { PgLoopStore } from './stores/loop-store.js';
import { PgOutboxStore } from './stores/outbox-store.js';
import { PgPatternRouteStore } from './stores/pattern-route-store.js';
import { PgPatternStore } from './stores/pattern-store.js';
import { PgRecommendationStore } from './stores/recommendation-store.js';
import { PgTemplateMinerStore } from './stores/template-miner-store.js';

await runService('insights', async () => {
  // Refuses, naming every problem at once: no (or a non-Ed25519) assertion public key, and
  // under production no CURSOR_SIGNING_KEY.
  const config = resolveInsightsConfig(loadConfig(insightsConfigSchema));
  const runtime = createServiceRuntime({ service: 'insights', ...config }); // logger, metrics, readiness, SIGTERM
  const opsPort = await serveOps(runtime, { port: config.opsPort }); // /health /ready /metrics
  if (config.cursorKeyEphemeral) runtime.logger.warn('no CURSOR_SIGNING_KEY: list cursors work on this replica only (not under production)');

  const pool = await connectDatabase(runtime, { databaseUrl: config.databaseUrl, max: config.databasePoolMax });
  const auth = createGrpcClient(AuthService, { address: config.authGrpcAddr, logger: runtime.logger, registry: runtime.registry, defaultDeadlineMs: 5_000 });
  runtime.lifecycle.onShutdown('auth client', () => auth.close());

  // Direct gRPC callers (service-account tokens) are resolved through auth with the
  // gateway's cache rules; calls through the gateway carry auth's signed assertion.
  const authenticator = createAuthServiceAuthenticator(auth);
  const metrics = createInsightsMetrics(runtime.registry);
  // Every replica works the job queue; PostgreSQL leases share the jobs out. A handler reads
  // `deps` (made below, holding the worker) only when a job runs, after start().
  const jobWorker = createJobWorker({
    pool,
    logger: runtime.logger,
    registry: runtime.registry,
    handlers: {
      [patternAnalysisJob]: (job, context) => patternAnalysisHandler(deps)(job, context),
      [analysisJob]: (job, context) => analysisHandler(deps)(job, context),
      [recommendationsJob]: (job, context) => recommendationsHandler(deps)(job, context),
    },
    concurrency: config.jobWorkerConcurrency,
    batch: config.jobWorkerConcurrency,
    leaseMs: config.jobLeaseMs,
    pollIntervalMs: config.jobPollIntervalMs,
  });
  const deps: InsightsDeps = {
    pool,
    principals: createPrincipalResolver({
      verifier: createAssertionVerifier({ publicKeyPem: config.assertionPublicKeyPem }),
      authenticate: async (token) => (await authenticator.authenticate(token)).principal,
    }),
    registry: runtime.registry,
    metrics,
    clock: () => new Date(),
    jobWorker,
    cursorKey: config.cursorKey,
    records: createRecordChecker(),
    // Every replica must mine with the same options: a miner rebuilt elsewhere decides alike.
    miners: createWorkspaceMiners({ maxWorkspaces: config.minerCacheWorkspaces, miner: { maxClusters: config.minerMaxClusters } }),
    workspaceQueue: createWorkspaceQueue(),
    issues: new PgIssueStore(),
    patterns: new PgPatternStore(),
    routes: new PgPatternRouteStore(),
    minerState: new PgTemplateMinerStore(),
    analyses: new PgAnalysisStore(),
    recommendations: new PgRecommendationStore(),
    loops: new PgLoopStore(),
    outbox: new PgOutboxStore(),
    // No API key (or LLM_PROVIDER=offline): the deterministic offline provider.
    llm: createLlm(config.llm, metrics),
  };

  const server = createGrpcServer({ logger: runtime.logger, registry: runtime.registry });
  server.addService(IngestService, createIngestService(deps));
  server.addService(IssueService, createIssueService(deps));
  server.addService(PatternService, createPatternService(deps));
  server.addService(PredictionService, createPredictionService(deps));
  server.addService(JobService, createJobService(deps));
  server.addService(AnalysisService, createAnalysisService(deps));
  server.addService(RecommendationService, createRecommendationService(deps));
  const grpcPort = await serveGrpc(runtime, server, { host: config.grpcHost, port: config.grpcPort });
  // Closes proof windows that ended, then forecasts and scores, once per cluster: the elected
  // leader only (a Lease in Kubernetes, an advisory lock elsewhere); SIGTERM hands over.
  const leader = await startLeaderElection(runtime, { config, pool });
  const predictor = { pool, logger: runtime.logger, clock: deps.clock, metrics: deps.metrics, graceMs: config.predictionGraceMs };
  const stopPredictor = scheduleRecurringJob({
    name: 'predictor run',
    intervalMs: config.predictionIntervalMs,
    logger: runtime.logger,
    run: leaderOnly(leader, async (signal) => {
      const loops = await runLoopWatcher({ ...deps, logger: runtime.logger, signal });
      return { ...loops, ...(await runPredictor({ ...predictor, signal })) };
    }),
  });
  runtime.lifecycle.onShutdown('predictor', stopPredictor);
  jobWorker.start();
  // Jobs in progress may finish within the drain; the rest are given back for another replica.
  runtime.lifecycle.onDrain('job worker', (deadline) => jobWorker.stop(deadline));
  runtime.started();
  runtime.logger.info({ grpc_port: grpcPort, ops_port: opsPort, llm_provider: deps.llm.provider }, 'insights service ready');
});
