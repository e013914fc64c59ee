import { createSeededRandom } from '@causeloop/platform/random';
// The demo workspace's failure history, made up but shaped like a real team's: a few
// hundred records over the last 90 days from Sentry, PagerDuty, GitHub, CI, Datadog,
// Prometheus, Opsgenie, Jira and plain logs, for checkout-api, payments, search,
// auth-proxy, notifications and mobile-bff. Most come from a handful of recurring causes
// with their own rhythm (steady, growing, a burst during one incident, new this week,
// gone since last month); the rest are one-offs. Each cause repeats one message shape with
// its own values (ids, durations, hosts, status codes), as the source would send it, so the
// insights service's grouping has real work to do. Seeded: the same seed and `now` give
// the same records, external ids included, so sending them again changes nothing.

/** One failure record, in the ingest API's terms (FailureRecord). */
export interface DemoRecord {
  readonly source: string;
  readonly externalId: string;
  readonly title: string;
  readonly body: string;
  /** p1 … p4, or the aliases some sources send (critical, high, medium, low). */
  readonly severity: string;
  readonly service: string;
  readonly component: string;
  readonly occurredAt: Date;
  readonly url: string;
  readonly attributes: Readonly<Record<string, string | number | boolean>>;
  /** Which recurring cause made it (its `key`), or `one-off`; for tests, never sent. */
  readonly cause: string;
}

export interface DemoHistoryOptions {
  /** The end of the 90 days; every record happened before it. */
  readonly now: Date;
  readonly seed?: number;
}

export const demoHistoryDays = 90;
export const defaultDemoSeed = 20_260_418;

function createRandom(seed: number): Random {
  const next = createSeededRandom(seed);
  const int = (min: number, max: number): number => min + Math.floor(next() * (max - min + 1));
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  const chars = (alphabet: string, length: number): string => Array.from({ length }, () => alphabet[Math.floor(next() * alphabet.length)]).join('');
  return { next, int, pick, hex: (length) => chars('0123456789abcdef', length), base36: (length) => chars('0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ', length), base62: (length) => chars('0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ', length) };
}

interface Random {
  /** Uniform in [0, 1). */
  next(): number;
  /** An integer in [min, max]. */
  int(min: number, max: number): number;
  pick<T>(items: readonly T[]): T;
  hex(length: number): string;
  base36(length: number): string;
  base62(length: number): string;
}

function uuid(random: Random): string {
  const hex = random.hex(32);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${'89ab'[random.int(0, 3)]}${hex.slice(17, 20)}-${hex.slice(20)}`;
}

/** When a cause's records happen, as days before `now`. */
type Rhythm =
  /** Evenly over the 90 days. */
  | { readonly kind: 'steady' }
  /** More and more often: a cause that is getting worse. */
  | { readonly kind: 'growing' }
  /** Only in the last `days`: a new cause. */
  | { readonly kind: 'recent'; readonly days: number }
  /** Mostly within a day or two of `daysAgo` (an incident), a few stragglers around it. */
  | { readonly kind: 'burst'; readonly daysAgo: number }
  /** Only before `untilDaysAgo`: a cause that was fixed. */
  | { readonly kind: 'early'; readonly untilDaysAgo: number };

function daysAgo(rhythm: Rhythm, random: Random): number {
  switch (rhythm.kind) {
    case 'steady':
      return random.next() * demoHistoryDays;
    case 'growing':
      return demoHistoryDays * (1 - Math.sqrt(random.next()));
    case 'recent':
      return random.next() * rhythm.days;
    case 'burst':
      return random.next() < 0.85 ? rhythm.daysAgo + (random.next() - 0.5) * 2 : rhythm.daysAgo + (random.next() - 0.3) * 14;
    case 'early':
      return rhythm.untilDaysAgo + random.next() * (demoHistoryDays - rhythm.untilDaysAgo);
  }
}

interface Occurrence {
  readonly title: string;
  readonly body: string;
  readonly attributes?: Readonly<Record<string, string | number | boolean>>;
}

interface Cause {
  readonly key: string;
  readonly source: string;
  readonly service: string;
  readonly component: string;
  /** Picked from per record, so a source that sends aliases sends them sometimes. */
  readonly severities: readonly string[];
  readonly count: number;
  readonly rhythm: Rhythm;
  occurrence(random: Random): Occurrence;
}

const regions = ['eu-west-1', 'eu-west-1', 'us-east-1'] as const;

/** Recurring causes, most frequent first. Their counts add up to about 330. */
const causes: readonly Cause[] = [
  {
    key: 'checkout-stripe-timeout',
    source: 'sentry',
    service: 'checkout-api',
    component: 'payments-client',
    severities: ['p2'],
    count: 40,
    rhythm: { kind: 'steady' },
    occurrence: (r) => {
      const ms = r.int(30_001, 30_480);
      const header = `PaymentProviderTimeout: POST https://api.stripe.com/v1/payment_intents timed out after ${ms}ms`;
      return {
        title: header,
        body: [
          header,
          `    at StripeClient.request (/app/services/checkout-api/src/payments/stripe-client.ts:118:15)`,
          `    at async createPaymentIntent (/app/services/checkout-api/src/payments/create-intent.ts:42:20)`,
          `    at async CheckoutController.confirm (/app/services/checkout-api/src/checkout/controller.ts:87:5)`,
        ].join('\n'),
        attributes: { order_id: `ord_${r.base62(14)}`, attempt: 3, idempotency_key: uuid(r) },
      };
    },
  },
  {
    key: 'inventory-429',
    source: 'sentry',
    service: 'checkout-api',
    component: 'inventory-client',
    severities: ['p3'],
    count: 34,
    rhythm: { kind: 'growing' },
    occurrence: (r) => ({
      title: `HTTP 429 Too Many Requests from inventory-service: GET /v2/stock/SKU-${r.int(10_000, 99_999)} (retry after ${r.int(2, 30)}s)`,
      body: [
        'AxiosError: Request failed with status code 429',
        '    at settle (/app/node_modules/axios/lib/core/settle.js:19:12)',
        `    at InventoryClient.reserve (/app/services/checkout-api/src/inventory/client.ts:${r.pick([61, 64])}:11)`,
      ].join('\n'),
      attributes: { cart_id: `cart_${r.base62(12)}`, upstream: 'inventory-service' },
    }),
  },
  {
    key: 'session-redis-pool',
    source: 'log',
    service: 'auth-proxy',
    component: 'session-store',
    severities: ['p2', 'p3'],
    count: 30,
    rhythm: { kind: 'steady' },
    occurrence: (r) => {
      const waiters = r.int(60, 400);
      const host = `redis-sessions-${r.int(0, 2)}.cache.internal`;
      const waitMs = r.int(500, 5_000);
      return {
        title: `ERROR redis pool exhausted size=50 waiters=${waiters} host=${host}:6379 wait_ms=${waitMs}`,
        body: JSON.stringify({
          level: 'error',
          msg: 'redis pool exhausted',
          size: 50,
          waiters,
          host: `${host}:6379`,
          wait_ms: waitMs,
          trace_id: r.hex(32),
        }),
        attributes: { pod: `auth-proxy-${r.hex(10)}-${r.base36(5).toLowerCase()}` },
      };
    },
  },
  {
    key: 'checkout-e2e-timeout',
    source: 'ci',
    service: 'checkout-api',
    component: 'e2e',
    severities: ['p4', 'low'],
    count: 29,
    rhythm: { kind: 'steady' },
    occurrence: (r) => {
      const runner = `gh-runner-${r.int(1, 24)}`;
      return {
        title: `e2e: "guest checkout with saved card" timed out after 120s on runner ${runner}`,
        body: [
          '##[group]Run npx playwright test checkout/guest.spec.ts',
          `Running ${r.int(38, 44)} tests using 4 workers`,
          `  ✘  ${r.int(10, 30)} [chromium] › checkout/guest.spec.ts:88:3 › guest checkout with saved card (120.0s)`,
          '##[error]Test timeout of 120000ms exceeded.',
        ].join('\n'),
        attributes: { branch: 'main', commit: r.hex(40), runner },
      };
    },
  },
  {
    key: 'settlement-consumer-lag',
    source: 'prometheus',
    service: 'payments',
    component: 'settlement-consumer',
    severities: ['p2', 'high'],
    count: 27,
    rhythm: { kind: 'growing' },
    occurrence: (r) => {
      const partition = r.int(0, 11);
      const lag = r.int(10_400, 48_000);
      return {
        title: `KafkaConsumerGroupLag: group payments-settlement partition ${partition} lag ${lag} messages above 10000`,
        body: [
          `alertname=KafkaConsumerGroupLag severity=warning topic=settlements consumergroup=payments-settlement partition=${partition}`,
          `Value: ${lag}`,
          'Source: http://prometheus.monitoring.svc:9090/graph?g0.expr=kafka_consumergroup_lag%7Bconsumergroup%3D%22payments-settlement%22%7D',
        ].join('\n'),
        attributes: { topic: 'settlements', partition },
      };
    },
  },
  {
    key: 'query-parser-typeerror',
    source: 'sentry',
    service: 'search',
    component: 'query-parser',
    severities: ['p3'],
    count: 26,
    rhythm: { kind: 'steady' },
    occurrence: (r) => ({
      title: "TypeError: Cannot read properties of undefined (reading 'tokens')",
      body: [
        "TypeError: Cannot read properties of undefined (reading 'tokens')",
        '    at parseQuery (/app/services/search/src/query/parser.ts:142:18)',
        `    at SearchHandler.handle (/app/services/search/src/handlers/search.ts:${r.pick([57, 57, 61])}:22)`,
        '    at process.processTicksAndRejections (node:internal/process/task_queues:105:5)',
      ].join('\n'),
      attributes: { query_length: r.int(1, 180), locale: r.pick(['en-GB', 'de-DE', 'fr-FR', 'en-US']) },
    }),
  },
  {
    key: 'auth-proxy-latency',
    source: 'datadog',
    service: 'auth-proxy',
    component: 'token-verifier',
    severities: ['p3', 'medium'],
    count: 24,
    rhythm: { kind: 'early', untilDaysAgo: 38 },
    occurrence: (r) => {
      const p99 = r.int(1_520, 3_400);
      return {
        title: `[Triggered] auth-proxy p99 latency is ${p99} ms on host:ip-10-42-${r.int(0, 7)}-${r.int(2, 250)} (threshold 1500 ms)`,
        body: [
          'Monitor: auth-proxy p99 latency',
          'Query: p99:trace.http.request.duration{service:auth-proxy,env:production} > 1.5',
          `Value: ${(p99 / 1000).toFixed(2)} over the last 5m`,
          '@pagerduty-platform @slack-auth-oncall',
        ].join('\n'),
        attributes: { monitor_id: 8_412_907 },
      };
    },
  },
  {
    key: 'ledger-replication-lag',
    source: 'pagerduty',
    service: 'payments',
    component: 'ledger-db',
    severities: ['p1', 'critical'],
    count: 22,
    rhythm: { kind: 'steady' },
    occurrence: (r) => {
      const host = `db-payments-0${r.int(1, 3)}.prod.internal`;
      const lag = r.int(180, 1_900);
      return {
        title: `[FIRING:1] PostgresReplicationLag payments ledger-db (${host}: ${lag}s behind primary)`,
        body: [
          `Incident #${r.int(30_000, 39_999)} triggered via Prometheus Alertmanager`,
          'Service: payments-ledger',
          `Summary: Replica ${host} is ${lag}s behind primary`,
          'Runbook: https://runbooks.acme.dev/payments/replication-lag',
        ].join('\n'),
      };
    },
  },
  {
    key: 'smtp-deferred',
    source: 'opsgenie',
    service: 'notifications',
    component: 'email-sender',
    severities: ['p3'],
    count: 21,
    rhythm: { kind: 'steady' },
    occurrence: (r) => ({
      title: `Email delivery deferred: 421 4.7.0 Try again later (relay smtp-relay-${r.int(1, 4)}.mail.internal, message ${uuid(r)})`,
      body: ['Alert from Opsgenie integration "notifications-prod"', `Count: ${r.int(1, 40)}`, 'Tags: smtp, deliverability'].join('\n'),
      attributes: { recipient_domain: r.pick(['gmail.com', 'outlook.com', 'yahoo.com', 'icloud.com']) },
    }),
  },
  {
    key: 'stripe-webhook-signature',
    source: 'sentry',
    service: 'payments',
    component: 'webhook-handler',
    severities: ['p2'],
    count: 19,
    rhythm: { kind: 'recent', days: 20 },
    occurrence: (r) => ({
      title: 'StripeSignatureVerificationError: No signatures found matching the expected signature for payload',
      body: [
        'StripeSignatureVerificationError: No signatures found matching the expected signature for payload',
        '    at Object.verifyHeader (/app/node_modules/stripe/cjs/Webhooks.js:170:19)',
        '    at Webhooks.constructEvent (/app/node_modules/stripe/cjs/Webhooks.js:12:28)',
        '    at handleStripeWebhook (/app/services/payments/src/webhooks/stripe.ts:33:31)',
      ].join('\n'),
      attributes: { event_id: `evt_${r.base62(24)}`, endpoint: 'we_1PayMentsProd' },
    }),
  },
  {
    key: 'search-reindex-ci',
    source: 'ci',
    service: 'search',
    component: 'indexer',
    severities: ['p3'],
    count: 18,
    rhythm: { kind: 'recent', days: 12 },
    occurrence: (r) => {
      const shard = r.int(0, 15);
      const build = r.int(48_000, 49_999);
      return {
        title: `CI failed on main: search/indexer › reindexes shard ${shard} after mapping change (build #${build})`,
        body: [
          'FAIL src/indexer/reindex.test.ts',
          `  ● search/indexer › reindexes shard ${shard} after mapping change`,
          '    expect(received).toBe(expected)',
          '    Expected: 200',
          '    Received: 503',
        ].join('\n'),
        attributes: { branch: 'main', build, commit: r.hex(40) },
      };
    },
  },
  {
    key: 'es-disk-usage',
    source: 'datadog',
    service: 'search',
    component: 'es-cluster',
    severities: ['p2', 'high'],
    count: 16,
    rhythm: { kind: 'burst', daysAgo: 61 },
    occurrence: (r) => ({
      title: `[Triggered] Disk usage ${r.int(90, 97)}% on es-data-${r.int(1, 6)} (/var/lib/elasticsearch) above 90%`,
      body: ['Monitor: Elasticsearch data node disk usage', 'Query: avg(last_5m):max:system.disk.in_use{role:es-data} by {host} > 0.9'].join('\n'),
      attributes: { monitor_id: 7_730_115 },
    }),
  },
  {
    key: 'inventory-503',
    source: 'sentry',
    service: 'checkout-api',
    component: 'inventory-client',
    severities: ['p2'],
    count: 14,
    rhythm: { kind: 'burst', daysAgo: 23 },
    occurrence: (r) => ({
      title: `HTTP 503 Service Unavailable from inventory-service: GET /v2/stock/SKU-${r.int(10_000, 99_999)} (retry after ${r.int(2, 30)}s)`,
      body: [
        'AxiosError: Request failed with status code 503',
        '    at settle (/app/node_modules/axios/lib/core/settle.js:19:12)',
        `    at InventoryClient.reserve (/app/services/checkout-api/src/inventory/client.ts:${r.pick([61, 64])}:11)`,
      ].join('\n'),
      attributes: { cart_id: `cart_${r.base62(12)}`, upstream: 'inventory-service' },
    }),
  },
  {
    key: 'payments-build-oom',
    source: 'ci',
    service: 'payments',
    component: 'build',
    severities: ['p4'],
    count: 14,
    rhythm: { kind: 'growing' },
    occurrence: (r) => ({
      title: `payments build #${r.int(20_000, 29_999)} failed: JavaScript heap out of memory in step "tsc -b"`,
      body: [
        `<--- Last few GCs --->`,
        `[${r.int(1000, 9999)}:0x${r.hex(12)}]   ${r.int(90_000, 99_000)} ms: Mark-Compact 4041.2 (4130.6) -> 4029.8 (4133.1) MB`,
        'FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory',
      ].join('\n'),
      attributes: { branch: r.pick(['main', 'main', 'release/2026.4']), node_options: '--max-old-space-size=4096' },
    }),
  },
  {
    key: 'oidc-discovery-502',
    source: 'sentry',
    service: 'auth-proxy',
    component: 'oidc-client',
    severities: ['p2'],
    count: 12,
    rhythm: { kind: 'burst', daysAgo: 33 },
    occurrence: (r) => ({
      title: `OIDC discovery failed: GET https://login.acme-corp.com/.well-known/openid-configuration returned 502 Bad Gateway after ${r.int(80, 2_400)} ms`,
      body: '',
      attributes: { issuer: 'https://login.acme-corp.com/' },
    }),
  },
  {
    key: 'orders-deadlock',
    source: 'pagerduty',
    service: 'checkout-api',
    component: 'orders-db',
    severities: ['p1', 'critical'],
    count: 9,
    rhythm: { kind: 'burst', daysAgo: 8 },
    occurrence: (r) => {
      const [waiting, blocking, transaction] = [r.int(40_000, 49_999), r.int(40_000, 49_999), r.int(9_000_000, 9_999_999)];
      return {
        title: `Postgres deadlock detected in orders-db: process ${waiting} waits for ShareLock on transaction ${transaction}; blocked by process ${blocking}`,
        body: [
          'ERROR: deadlock detected',
          `DETAIL: Process ${waiting} waits for ShareLock on transaction ${transaction}; blocked by process ${blocking}.`,
          `CONTEXT: while updating tuple (${r.int(100, 9_999)},${r.int(1, 60)}) in relation "order_lines"`,
        ].join('\n'),
      };
    },
  },
  {
    key: 'android-push',
    source: 'github',
    service: 'mobile-bff',
    component: 'push-gateway',
    severities: ['p3'],
    count: 6,
    rhythm: { kind: 'steady' },
    occurrence: (r) => ({
      title: `Android push notifications not delivered after app update to ${r.pick(['7.14.0', '7.14.1', '7.14.2', '7.15.0'])}`,
      body: [
        '### What happened',
        'Users report that order updates no longer arrive as push notifications.',
        '### Steps to reproduce',
        '1. Update the app', '2. Place an order', '3. Wait for the "shipped" notification',
      ].join('\n'),
      attributes: { labels: 'bug,android', reporter: r.pick(['mkowalski', 'aiyer', 'jdoe', 'tnguyen']) },
    }),
  },
  {
    key: 'eu-vat-twice',
    source: 'jira',
    service: 'checkout-api',
    component: 'pricing',
    severities: ['p3', 'medium'],
    count: 5,
    rhythm: { kind: 'steady' },
    occurrence: (r) => ({
      title: `VAT applied twice on order ORD-${r.int(100_000, 999_999)} shipped to Ireland`,
      body: 'Customer support reports a double VAT line on the invoice. Reproduced on staging with a saved address outside the seller country.',
      attributes: { reporter: 'support', customer_tier: r.pick(['standard', 'plus']) },
    }),
  },
];

/** One-off failures: each happened once (or its cause was never seen again). */
const oneOffs: readonly Omit<DemoRecord, 'externalId' | 'occurredAt' | 'url' | 'attributes' | 'cause'>[] = [
  { source: 'sentry', service: 'checkout-api', component: 'cart', severity: 'p3', title: 'RangeError: Invalid time value', body: 'RangeError: Invalid time value\n    at Date.toISOString (<anonymous>)\n    at formatDeliveryWindow (/app/services/checkout-api/src/cart/delivery.ts:23:41)' },
  { source: 'sentry', service: 'search', component: 'autocomplete', severity: 'p3', title: "SyntaxError: Unexpected token '<', \"<!DOCTYPE \"... is not valid JSON", body: '' },
  { source: 'pagerduty', service: 'payments', component: 'fx-rates', severity: 'p2', title: 'FX rates feed stale for 47 minutes (provider ecb)', body: 'Incident triggered by the fx-rates freshness check.' },
  { source: 'github', service: 'auth-proxy', component: 'login-page', severity: 'p3', title: 'Login page shows a blank screen in Safari 17.4 with content blockers', body: '### What happened\nThe login form never renders; the console shows a CSP violation for an inline style.' },
  { source: 'jira', service: 'notifications', component: 'digest', severity: 'p4', title: 'Unsubscribe link in the weekly digest answers 404', body: 'The link points at /u/ instead of /unsubscribe/.' },
  { source: 'datadog', service: 'checkout-api', component: 'k8s', severity: 'p2', title: '[Triggered] Pod checkout-api-7d9f8b6c5-x2k4q restarted 5 times in 10m (reason=OOMKilled)', body: 'Monitor: Kubernetes pod restarts' },
  { source: 'ci', service: 'auth-proxy', component: 'dependencies', severity: 'p2', title: 'npm audit: jsonwebtoken 8.5.1 has a critical advisory (GHSA-8cf7-32gw-wr33)', body: '' },
  { source: 'log', service: 'search', component: 'ranker', severity: 'p4', title: 'WARN model file /models/ranker-v14.onnx not found, falling back to BM25', body: '' },
  { source: 'opsgenie', service: 'payments', component: 'tls', severity: 'p3', title: 'TLS certificate for api.payments.acme.dev expires in 6 days', body: 'Alert from Opsgenie integration "cert-expiry"' },
  { source: 'prometheus', service: 'mobile-bff', component: 'gateway', severity: 'p2', title: 'TargetDown: 2 of 6 mobile-bff targets are down in eu-west-1', body: 'alertname=TargetDown job=mobile-bff' },
  { source: 'sentry', service: 'notifications', component: 'sms-sender', severity: 'p3', title: 'TwilioRestException: The \'To\' number +4477009xxxxx is not a valid phone number.', body: '' },
  { source: 'sentry', service: 'mobile-bff', component: 'graphql', severity: 'p3', title: 'GraphQLError: Cannot return null for non-nullable field Order.estimatedDelivery', body: '' },
  { source: 'pagerduty', service: 'search', component: 'es-cluster', severity: 'critical', title: 'Elasticsearch cluster health RED: 3 unassigned primary shards', body: 'Incident triggered via Datadog' },
  { source: 'github', service: 'checkout-api', component: 'cart', severity: 'p4', title: 'Cart badge shows the previous item count after removing the last item', body: '### Steps to reproduce\n1. Add one item\n2. Remove it\n3. Look at the badge' },
  { source: 'ci', service: 'mobile-bff', component: 'build', severity: 'p4', title: 'Docker build failed: failed to fetch oauth token: unexpected status 401 Unauthorized from registry.acme.dev', body: '' },
  { source: 'datadog', service: 'notifications', component: 'queue', severity: 'p3', title: '[Triggered] SQS queue notifications-dlq has 1,204 visible messages', body: 'Monitor: dead-letter queue depth' },
  { source: 'log', service: 'payments', component: 'reconciler', severity: 'p2', title: 'ERROR reconciliation mismatch for payout po_1PzX8v2eZvKYlo2C: expected 18240.00 EUR, ledger has 18204.00 EUR', body: '' },
  { source: 'jira', service: 'search', component: 'synonyms', severity: 'p4', title: 'Searching for "tee shirt" finds nothing while "t-shirt" works', body: 'Synonym list was not deployed with the last index rebuild.' },
  { source: 'sentry', service: 'auth-proxy', component: 'saml', severity: 'p2', title: 'SAMLResponseError: Assertion is not yet valid (NotBefore 2 minutes in the future)', body: '' },
  { source: 'opsgenie', service: 'checkout-api', component: 'cdn', severity: 'p3', title: 'CDN origin error rate 4.2% for static.acme-shop.com (5xx from origin)', body: '' },
  { source: 'prometheus', service: 'payments', component: 'settlement-consumer', severity: 'p4', title: 'KafkaBrokerDiskFilling: broker kafka-2 will fill its disk within 4 hours', body: '' },
  { source: 'custom', service: 'checkout-api', component: 'feature-flags', severity: 'p3', title: 'Feature flag "new-checkout-flow" evaluated with a stale ruleset for 12 minutes', body: 'Reported by the flag service\'s consistency checker.' },
  { source: 'sentry', service: 'payments', component: 'refunds', severity: 'p2', title: 'IntegrityError: duplicate key value violates unique constraint "refunds_payment_id_key"', body: '' },
  { source: 'github', service: 'notifications', component: 'templates', severity: 'p4', title: 'Order confirmation email renders the currency symbol after the amount in en-GB', body: '' },
  { source: 'datadog', service: 'search', component: 'query-parser', severity: 'p3', title: '[Triggered] search error rate above 2% for 10 minutes', body: 'Monitor: search 5xx ratio' },
  { source: 'ci', service: 'notifications', component: 'contract-tests', severity: 'p3', title: 'Pact verification failed: notifications expects field "locale" that orders no longer sends', body: '' },
  { source: 'log', service: 'mobile-bff', component: 'rate-limiter', severity: 'p3', title: 'ERROR rate limiter redis script NOSCRIPT after failover, reloading', body: '' },
  { source: 'pagerduty', service: 'auth-proxy', component: 'token-verifier', severity: 'p1', title: 'JWKS endpoint unreachable from auth-proxy in us-east-1', body: 'Incident triggered via synthetic check "login-flow"' },
];

/** An id and a link as each source makes them. */
function sourceIdentity(source: string, service: string, random: Random): { externalId: string; url: string } {
  switch (source) {
    case 'sentry': {
      const event = random.hex(32);
      return { externalId: event, url: `https://acme.sentry.io/issues/${random.int(4_000_000, 4_999_999)}/events/${event}/` };
    }
    case 'pagerduty': {
      const incident = `Q${random.base36(13)}`;
      return { externalId: incident, url: `https://acme.pagerduty.com/incidents/${incident}` };
    }
    case 'github': {
      const number = random.int(1_000, 9_999);
      return { externalId: `acme/${service}#${number}`, url: `https://github.com/acme/${service}/issues/${number}` };
    }
    case 'ci': {
      const run = random.int(10_000_000_000, 19_999_999_999);
      return { externalId: `${service}/actions/runs/${run}`, url: `https://github.com/acme/${service}/actions/runs/${run}` };
    }
    case 'datadog': {
      const event = random.int(7_000_000_000, 7_999_999_999);
      return { externalId: `dd-event-${event}`, url: `https://app.datadoghq.eu/event/explorer?event=${event}` };
    }
    case 'prometheus': {
      const fingerprint = random.hex(16);
      return { externalId: `alertmanager-${fingerprint}-${random.base36(6).toLowerCase()}`, url: `https://alertmanager.acme.dev/#/alerts?fingerprint=${fingerprint}` };
    }
    case 'opsgenie': {
      const alert = uuid(random);
      return { externalId: alert, url: `https://acme.app.eu.opsgenie.com/alert/detail/${alert}/details` };
    }
    case 'jira': {
      const key = `${service === 'search' ? 'SRCH' : service === 'notifications' ? 'NOTIF' : 'CHK'}-${random.int(1_000, 4_999)}`;
      return { externalId: key, url: `https://acme.atlassian.net/browse/${key}` };
    }
    default: {
      const id = uuid(random);
      return { externalId: id, url: `https://logs.acme.dev/${service}/events/${id}` };
    }
  }
}

/** The demo history: recurring causes and one-offs over `demoHistoryDays`, oldest first. */
export function demoHistory(options: DemoHistoryOptions): DemoRecord[] {
  const random = createRandom(options.seed ?? defaultDemoSeed);
  const end = options.now.getTime();
  const at = (days: number): Date => new Date(Math.floor((end - Math.max(days, 0.01) * 86_400_000) / 1000) * 1000);
  const records: DemoRecord[] = [];
  const seen = new Set<string>();
  const identity = (source: string, service: string): { externalId: string; url: string } => {
    for (;;) {
      const made = sourceIdentity(source, service, random);
      if (!seen.has(`${source}\u0000${made.externalId}`)) {
        seen.add(`${source}\u0000${made.externalId}`);
        return made;
      }
    }
  };
  const common = (service: string) => ({
    environment: 'production',
    region: random.pick(regions),
    release: `${service}@2026.${random.int(1, 4)}.${random.int(0, 9)}`,
  });

  for (const cause of causes) {
    for (let index = 0; index < cause.count; index++) {
      const occurrence = cause.occurrence(random);
      records.push({
        source: cause.source,
        ...identity(cause.source, cause.service),
        title: occurrence.title,
        body: occurrence.body,
        severity: random.pick(cause.severities),
        service: cause.service,
        component: cause.component,
        occurredAt: at(Math.min(daysAgo(cause.rhythm, random), demoHistoryDays - 0.01)),
        attributes: { ...common(cause.service), ...occurrence.attributes },
        cause: cause.key,
      });
    }
  }
  for (const oneOff of oneOffs) {
    records.push({
      ...oneOff,
      ...identity(oneOff.source, oneOff.service),
      occurredAt: at(random.next() * demoHistoryDays),
      attributes: common(oneOff.service),
      cause: 'one-off',
    });
  }
  return records.sort((a, b) => a.occurredAt.getTime() - b.occurredAt.getTime());
}

/** The recurring causes' keys, most frequent first (for tests and docs). */
export const demoCauses: readonly { readonly key: string; readonly count: number }[] = causes.map(({ key, count }) => ({ key, count }));
