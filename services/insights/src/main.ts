// The insights service (issue #18): ingestion of failure records, issues, grouping into
// patterns (merge and split that stay done), similar issues. Wiring only.
import { AuthService } from '@causeloop/proto/causeloop/auth/v1/auth_pb.js';
import { IngestService } from '@causeloop/proto/causeloop/insights/v1/ingest_pb.js';
import { IssueService } from '@causeloop/proto/causeloop/insights/v1/issues_pb.js';
import { PatternService } from '@causeloop/proto/causeloop/insights/v1/patterns_pb.js';
import { PredictionService } from '@causeloop/proto/causeloop/insights/v1/predictions_pb.js';
import { loadConfig } from '@causeloop/platform/config';
import { createGrpcClient, createGrpcServer } from '@causeloop/platform/grpc';
import {
  createAssertionVerifier,
  createAuthServiceAuthenticator,
  createPrincipalResolver,
} from '@causeloop/platform/identity';
import { scheduleRecurringJob } from '@causeloop/platform/lifecycle';
import { connectDatabase, createServiceRuntime, runService, serveGrpc, serveOps } from '@causeloop/platform/runtime';
import { insightsConfigSchema, resolveInsightsConfig } from './config.js';
import type { InsightsDeps } from './deps.js';
import { createRecordChecker } from './ingest/failure-record.js';
import { runPredictor } from './jobs/predictor.js';
import { createWorkspaceMiners, createWorkspaceQueue } from './ingest/workspace-miners.js';
import { createInsightsMetrics } from './metrics.js';
import { createIngestService, createIssueService, createPatternService, createPredictionService } from './services.js';
import { PgIssueStore } from './stores/issue-store.js';
import { PgPatternRouteStore } from './stores/pattern-route-store.js';
import { PgPatternStore } from './stores/pattern-store.js';
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
  const deps: InsightsDeps = {
    pool,
    principals: createPrincipalResolver({
      verifier: createAssertionVerifier({ publicKeyPem: config.assertionPublicKeyPem }),
      authenticate: async (token) => (await authenticator.authenticate(token)).principal,
    }),
    registry: runtime.registry,
    metrics: createInsightsMetrics(runtime.registry),
    clock: () => new Date(),
    cursorKey: config.cursorKey,
    records: createRecordChecker(),
    // Every replica must mine with the same options: a miner rebuilt elsewhere decides alike.
    miners: createWorkspaceMiners({ maxWorkspaces: config.minerCacheWorkspaces, miner: { maxClusters: config.minerMaxClusters } }),
    workspaceQueue: createWorkspaceQueue(),
    issues: new PgIssueStore(),
    patterns: new PgPatternStore(),
    routes: new PgPatternRouteStore(),
    minerState: new PgTemplateMinerStore(),
  };

  const server = createGrpcServer({ logger: runtime.logger, registry: runtime.registry });
  server.addService(IngestService, createIngestService(deps));
  server.addService(IssueService, createIssueService(deps));
  server.addService(PatternService, createPatternService(deps));
  server.addService(PredictionService, createPredictionService(deps));
  const grpcPort = await serveGrpc(runtime, server, { host: config.grpcHost, port: config.grpcPort });
  // Forecasts and scores them on every replica's schedule; an advisory lock lets one run at a time.
  const predictor = { pool, logger: runtime.logger, clock: deps.clock, metrics: deps.metrics, graceMs: config.predictionGraceMs };
  const stopPredictor = scheduleRecurringJob({
    name: 'predictor run',
    intervalMs: config.predictionIntervalMs,
    logger: runtime.logger,
    run: () => runPredictor(predictor),
  });
  runtime.lifecycle.onShutdown('predictor', stopPredictor);
  runtime.started();
  runtime.logger.info({ grpc_port: grpcPort, ops_port: opsPort }, 'insights service ready');
});
