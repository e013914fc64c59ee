import { counter, gauge, histogram, type MetricSpec } from './metric-spec.js';

// Calls inside a cluster or through the gateway: milliseconds (a cached authentication and
// one hop) to a few seconds; the top buckets catch calls that ran into their deadline.
const requestDurationBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

// One data-key operation takes tens of microseconds; a batch of 1,000 a few tens of milliseconds.
const cryptoDurationBuckets = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1];

// One ingest batch (up to 500 records) groups in memory and writes in a few statements:
// milliseconds to a few hundred; the top buckets catch lock waits behind another batch.
const ingestDurationBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

// One language-model call: the offline provider in microseconds, a remote model seconds to a
// minute; the top buckets catch calls that ran into LLM_TIMEOUT_MS or its retries.
const llmDurationBuckets = [0.001, 0.01, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60, 120];

// gRPC labels carry the `grpc_` prefix: a plain `service` would overwrite the process's own
// `service` label that every registry sets (createMetricsRegistry).
const grpcLabels = ['grpc_service', 'grpc_method', 'grpc_code'] as const;

/**
 * Every metric the product exports, declared once (DESIGN §8, house style habit 7): the
 * names, help, label names and buckets here are what `metric(registry, spec)` creates, and
 * docs/metrics.md documents each (a test keeps them in step). Grouped by area: every name
 * is `causeloop_<area>_<thing>_<unit>` with its group as the area.
 */
export const metricCatalogue = {
  grpc: {
    serverRequests: counter('causeloop_grpc_server_requests_total', 'gRPC calls handled, by final status code.', grpcLabels),
    serverDuration: histogram(
      'causeloop_grpc_server_duration_seconds',
      'Time from receiving a gRPC call to sending its status.',
      grpcLabels,
      requestDurationBuckets,
    ),
    clientRequests: counter('causeloop_grpc_client_requests_total', 'gRPC calls made, by final status code.', grpcLabels),
    clientDuration: histogram(
      'causeloop_grpc_client_duration_seconds',
      'Time from starting a gRPC call to receiving its status.',
      grpcLabels,
      requestDurationBuckets,
    ),
  },
  http: {
    // `route` is the declared template (`/v1/api-tokens/:token_id`), never the path sent.
    serverDuration: histogram(
      'causeloop_http_server_duration_seconds',
      'Time from receiving an HTTP request to sending its answer, by method, route template and status.',
      ['method', 'route', 'status'],
      requestDurationBuckets,
    ),
  },
  auth: {
    // Both places that check credentials count here, told apart by `site`: a service's gate
    // (the only one that sees principal assertions and missing credentials) and the auth
    // service (the only one that knows why a token failed). A bearer call to a backend is
    // counted at both, so sum over one site at a time.
    authentications: counter(
      'causeloop_auth_authentications_total',
      'Credentials checked, by site (gate: a service resolving the caller of a scoped RPC; auth: the auth service in Authenticate, ExchangeToken and RefreshToken), credential kind and outcome.',
      ['site', 'kind', 'outcome'],
    ),
    callsDenied: counter('causeloop_auth_calls_denied_total', 'RPC calls refused by the gate before their handler, by reason.', ['reason']),
    tokenOperations: counter(
      'causeloop_auth_token_operations_total',
      'API tokens and service accounts created, rotated and revoked.',
      ['operation'],
    ),
  },
  envelope: {
    operations: counter('causeloop_envelope_operations_total', 'Envelope operations, by operation and outcome.', ['operation', 'outcome']),
    decryptFailures: counter(
      'causeloop_envelope_decrypt_failures_total',
      'Values that did not decrypt, by reason (callers only see decryption_failed).',
      ['reason'],
    ),
    dekCacheLookups: counter('causeloop_envelope_dek_cache_lookups_total', 'DEK cache lookups, by hit or miss.', ['result']),
  },
  crypto: {
    operations: counter(
      'causeloop_crypto_operations_total',
      'Data-key operations, batch items counted one by one, by outcome.',
      ['operation', 'outcome'],
    ),
    operationDuration: histogram(
      'causeloop_crypto_operation_duration_seconds',
      'Time to serve one crypto call (a batch is one observation under batch_*).',
      ['operation'],
      cryptoDurationBuckets,
    ),
    decryptFailures: counter(
      'causeloop_crypto_decrypt_failures_total',
      'Wrapped data keys that did not unwrap, by reason (callers only see decryption_failed).',
      ['reason'],
    ),
    keyringReloads: counter(
      'causeloop_crypto_keyring_reloads_total',
      'Re-reads of CAUSELOOP_MASTER_KEY_FILE, by outcome (failed keeps the previous keyring).',
      ['outcome'],
    ),
  },
  gateway: {
    rateLimited: counter('causeloop_gateway_rate_limited_total', 'Requests answered 429 by the gateway, by rate-limit policy.', ['policy']),
    rateLimitBackendErrors: counter(
      'causeloop_gateway_rate_limit_backend_errors_total',
      'Rate-limit decisions Redis failed to make, by the failure mode that answered instead.',
      ['failure'],
    ),
    idempotentReplays: counter('causeloop_gateway_idempotent_replays_total', 'Answers replayed for a repeated Idempotency-Key.'),
  },
  // The job queue (@causeloop/platform/job-queue), in every service that runs a job worker.
  // `kind` is a handler name registered in code, so the set is closed.
  jobs: {
    completed: counter(
      'causeloop_jobs_completed_total',
      'Job attempts finished by this worker, by kind and outcome (succeeded, retried, failed, dead, lease_lost, released).',
      ['kind', 'outcome'],
    ),
    queueDepth: gauge(
      'causeloop_jobs_queue_depth_current',
      'Unfinished jobs of the kinds this worker handles, across workspaces, by state (ready, delayed, running); counted every 15 s.',
      ['kind', 'state'],
    ),
  },
  // Leader election (@causeloop/platform/leader): `election` is the Lease (or lock) name, one
  // per service that runs leader-only jobs, so the set is closed.
  leader: {
    changes: counter(
      'causeloop_leader_changes_total',
      'Times this process became the leader of an election (summed over replicas: leader changes), by election.',
      ['election'],
    ),
    holders: gauge(
      'causeloop_leader_holders_current',
      'Whether this process leads the election now (1) or not (0), by election; summed over replicas it should be 1.',
      ['election'],
    ),
  },
  insights: {
    // `source` is the stored source (unknown ones are `custom`), so the set is closed.
    issuesIngested: counter(
      'causeloop_insights_issues_ingested_total',
      'Failure records ingested, by stored source and outcome (created, updated or rejected).',
      ['source', 'outcome'],
    ),
    ingestBatchDuration: histogram(
      'causeloop_insights_ingest_batch_duration_seconds',
      'Time to check, group and store one ingest call (IngestEvent or IngestBatch), refused calls included.',
      [],
      ingestDurationBuckets,
    ),
    groupingDecisions: counter(
      'causeloop_insights_grouping_decisions_total',
      "Records grouped, by what the workspace's template miner did with each (created, matched, generalized, merged).",
      ['kind'],
    ),
    predictionsIssued: counter(
      'causeloop_insights_predictions_issued_total',
      'Recurrence predictions written to the ledger by the predictor, by window length in days (7, 14, 30).',
      ['window_days'],
    ),
    predictionsScored: counter(
      'causeloop_insights_predictions_scored_total',
      'Outcomes written to the prediction ledger after a window closed, by outcome (hit, miss, void).',
      ['outcome'],
    ),
    loopsClosed: counter(
      'causeloop_insights_loops_closed_total',
      'Loops closed when their proof window ended or a recurrence came inside it, by outcome (held, not_held).',
      ['outcome'],
    ),
    // `provider` is openai, anthropic or offline; `outcome` ok, failed, refused or truncated.
    analyses: counter(
      'causeloop_insights_analyses_total',
      'Analyses of issues and patterns recorded, by LLM provider and outcome (ok, failed, refused, truncated).',
      ['provider', 'outcome'],
    ),
    llmRequestDuration: histogram(
      'causeloop_insights_llm_request_duration_seconds',
      'Time one attempt at a structured answer took, by LLM provider, SDK retries included.',
      ['provider'],
      llmDurationBuckets,
    ),
    llmTokens: counter(
      'causeloop_insights_llm_tokens_total',
      'Tokens the LLM provider reported, by provider and direction (input, output).',
      ['provider', 'direction'],
    ),
  },
} as const;

/** Every entry of the catalogue, areas flattened. */
export const cataloguedMetrics: readonly MetricSpec[] = Object.values(metricCatalogue).flatMap((area) => Object.values(area));
