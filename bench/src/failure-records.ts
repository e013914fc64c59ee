import { createSeededRandom } from '@causeloop/platform/random';
// Realistic, varied failure records for the insights bench: 22 causes across
// services, each with variable parts (ids, durations, hosts, addresses, counts), a stack
// trace or log excerpt as body, and a handful of attributes, from several sources and
// severities. Seeded, so two runs send the same stream.

/** A failure record in the JSON `POST /v1/ingest/batch` takes. */
export interface RecordJson {
  readonly source: string;
  readonly external_id: string;
  readonly title: string;
  readonly body: string;
  readonly severity: string;
  readonly service: string;
  readonly component: string;
  readonly occurred_at: string;
  readonly url: string;
  readonly attributes: Record<string, string | number | boolean>;
}

type Random = () => number;

const pick = <T>(random: Random, values: readonly T[]): T => values[Math.floor(random() * values.length)]!;
const int = (random: Random, min: number, max: number) => min + Math.floor(random() * (max - min + 1));
const hex = (random: Random, length: number) => {
  let text = '';
  while (text.length < length) text += Math.floor(random() * 0x100000000).toString(16).padStart(8, '0');
  return text.slice(0, length);
};
const uuid = (random: Random) => {
  const h = hex(random, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
};
const ipv4 = (random: Random) => `10.${int(random, 0, 255)}.${int(random, 0, 255)}.${int(random, 1, 254)}`;
const host = (random: Random) => `${pick(random, ['web', 'api', 'worker', 'db', 'cache'])}-${int(random, 1, 40)}.prod.internal`;

interface Cause {
  readonly services: readonly string[];
  readonly component: string;
  readonly title: (random: Random) => string;
  /** The first lines of the body (a stack trace or log excerpt follows). */
  readonly detail: (random: Random) => string;
}

const causes: readonly Cause[] = [
  {
    services: ['checkout-api', 'cart-api'],
    component: 'inventory-client',
    title: (r) => `Timeout after ${int(r, 1000, 30000)} ms calling inventory-api /v1/items/${uuid(r)}`,
    detail: (r) => `TimeoutError: request to http://${host(r)}:8080/v1/items timed out`,
  },
  {
    services: ['checkout-api'],
    component: 'payments',
    title: (r) => `HTTP 503 Service Unavailable from payments-gateway (request ${uuid(r)})`,
    detail: () => 'UpstreamError: payments-gateway answered 503 Service Unavailable',
  },
  {
    services: ['checkout-api', 'search-api'],
    component: 'rate-limiter',
    title: (r) => `HTTP 429 Too Many Requests from ${host(r)}, retry after ${int(r, 1, 120)}s`,
    detail: () => 'RateLimitedError: upstream throttled the call',
  },
  {
    services: ['orders-service'],
    component: 'discounts',
    title: (r) => `NullPointerException in OrderService.applyDiscount(order=${int(r, 100000, 999999)})`,
    detail: () => 'java.lang.NullPointerException: Cannot invoke "Coupon.getRate()" because "coupon" is null',
  },
  {
    services: ['web-frontend'],
    component: 'profile-page',
    title: (r) => `TypeError: Cannot read properties of undefined (reading '${pick(r, ['avatar', 'email', 'address'])}')`,
    detail: () => 'TypeError: Cannot read properties of undefined',
  },
  {
    services: ['inventory-service'],
    component: 'stock-writer',
    title: (r) => `Deadlock detected while updating inventory row ${int(r, 1, 5_000_000)} (tx ${hex(r, 12)})`,
    detail: () => 'ERROR: deadlock detected (SQLSTATE 40P01)',
  },
  {
    services: ['postgres-primary', 'postgres-replica'],
    component: 'disk',
    title: (r) => `Disk usage at ${int(r, 85, 99)}% on ${host(r)} /var/lib/postgresql`,
    detail: () => 'alert DiskAlmostFull firing',
  },
  {
    services: ['billing-worker', 'export-worker'],
    component: 'scheduler',
    title: (r) => `Job nightly-invoices#${int(r, 1, 9999)} failed after ${int(r, 2, 9)} attempts: exit code ${pick(r, [1, 2, 137, 143])}`,
    detail: () => 'JobFailedError: the job exhausted its retries',
  },
  {
    services: ['auth-service'],
    component: 'login',
    title: (r) => `User user${int(r, 1, 99999)}@example.com failed login: invalid password (attempt ${int(r, 3, 10)})`,
    detail: () => 'AuthenticationError: invalid credentials',
  },
  {
    services: ['edge-proxy'],
    component: 'tls',
    title: (r) => `Certificate for ${pick(r, ['shop', 'api', 'admin', 'status'])}.example.com expires in ${int(r, 1, 14)} days`,
    detail: () => 'alert CertificateExpiringSoon firing',
  },
  {
    services: ['recommendations', 'search-api'],
    component: 'runtime',
    title: (r) => `OOMKilled: container app in pod ${pick(r, ['recommendations', 'search-api'])}-${hex(r, 10)}-${hex(r, 5)} exceeded memory limit 512Mi`,
    detail: () => 'Last State: Terminated, Reason: OOMKilled, Exit Code: 137',
  },
  {
    services: ['orders-consumer'],
    component: 'kafka',
    title: (r) => `Kafka consumer lag ${int(r, 10_000, 900_000)} on topic orders-v${int(r, 1, 3)} partition ${int(r, 0, 23)}`,
    detail: () => 'alert ConsumerLagHigh firing',
  },
  {
    services: ['payments-service'],
    component: 'card-processor',
    title: (r) => `Payment ${uuid(r)} declined: card_declined (amount ${int(r, 1, 999)}.${int(r, 10, 99)} EUR)`,
    detail: () => 'CardDeclinedError: issuer declined the authorisation',
  },
  {
    services: ['users-api'],
    component: 'profile',
    title: (r) => `GET /api/v2/users/${int(r, 1, 999999)}/profile returned 500 in ${int(r, 20, 9000)}ms`,
    detail: () => 'InternalServerError: profile lookup failed',
  },
  {
    services: ['ci'],
    component: 'e2e-tests',
    title: (r) => `Build ${hex(r, 40)} failed: test checkout.spec.ts:${int(r, 10, 400)} expected 200 got 502`,
    detail: () => 'AssertionError: expected 502 to equal 200',
  },
  {
    services: ['orders-service', 'reporting'],
    component: 'database',
    title: (r) => `Slow query (${int(r, 1000, 60000)} ms): SELECT * FROM orders WHERE customer_id = ${int(r, 1, 9_999_999)}`,
    detail: () => 'duration exceeded log_min_duration_statement',
  },
  {
    services: ['session-store'],
    component: 'redis',
    title: (r) => `READONLY You can't write against a read only replica (${ipv4(r)}:6379)`,
    detail: () => 'ReplyError: READONLY You cannot write against a read only replica',
  },
  {
    services: ['notifications'],
    component: 'dns',
    title: (r) => `DNS lookup failed for ${pick(r, ['smtp', 'push', 'sms'])}-${int(r, 1, 9)}.provider.example: ENOTFOUND`,
    detail: () => 'Error: getaddrinfo ENOTFOUND',
  },
  {
    services: ['webhooks'],
    component: 'delivery',
    title: (r) => `Webhook delivery to https://hooks.customer${int(r, 1, 500)}.example/in failed with 404 after ${int(r, 1, 8)} retries`,
    detail: () => 'DeliveryError: endpoint answered 404 Not Found',
  },
  {
    services: ['api-gateway'],
    component: 'upstream',
    title: (r) => `connect ECONNREFUSED ${ipv4(r)}:${pick(r, [5432, 6379, 8080, 50051])}`,
    detail: () => 'Error: connect ECONNREFUSED',
  },
  {
    services: ['catalog-service'],
    component: 'cache',
    title: (r) => `Cache miss storm: ${int(r, 500, 50000)} misses/s for key prefix product:${int(r, 1, 99)}`,
    detail: () => 'alert CacheMissRateHigh firing',
  },
  {
    services: ['mobile-backend'],
    component: 'push',
    title: (r) => `APNs rejected ${int(r, 1, 5000)} notifications: BadDeviceToken (batch ${uuid(r)})`,
    detail: () => 'PushError: BadDeviceToken',
  },
];

const sources = ['sentry', 'sentry', 'datadog', 'prometheus', 'pagerduty', 'ci', 'log', 'opsgenie', 'in-house-monitor'];
const severities = ['p1', 'p2', 'p3', 'p3', 'p3', 'p4', 'critical', 'high', 'medium', 'low'];
const frames = [
  'at processTicksAndRejections (node:internal/process/task_queues:95:5)',
  'at async OrderController.create (/app/dist/controllers/order-controller.js:{line}:19)',
  'at async Router.handle (/app/node_modules/express/lib/router/index.js:{line}:12)',
  'at com.shop.orders.OrderService.apply(OrderService.java:{line})',
  'at org.springframework.aop.framework.ReflectiveMethodInvocation.proceed(ReflectiveMethodInvocation.java:{line})',
  'File "/srv/app/worker.py", line {line}, in run',
  'at Object.<anonymous> (/app/src/client.ts:{line}:7)',
];

/**
 * A generator of records for one client: `next(prefix)` makes a record whose external id
 * starts with `prefix`, unique within the generator. Records happened in the last two days.
 */
export function createRecordGenerator(seed: number): { next(prefix: string): RecordJson } {
  const random = createSeededRandom(seed);
  const now = Date.now();
  let counter = 0;
  return {
    next(prefix) {
      counter++;
      const cause = pick(random, causes);
      const trace = Array.from({ length: int(random, 3, 7) }, () => `    ${pick(random, frames).replace('{line}', String(int(random, 10, 900)))}`);
      const traceId = hex(random, 32);
      return {
        source: pick(random, sources),
        external_id: `${prefix}-${counter}-${hex(random, 6)}`,
        title: cause.title(random),
        body: `${cause.detail(random)}\n${trace.join('\n')}\ntrace_id=${traceId} span_id=${hex(random, 16)}`,
        severity: pick(random, severities),
        service: pick(random, cause.services),
        component: cause.component,
        occurred_at: new Date(now - Math.floor(random() * 2 * 24 * 3600 * 1000)).toISOString(),
        url: `https://monitoring.example.com/events/${hex(random, 16)}`,
        attributes: {
          environment: random() < 0.85 ? 'production' : 'staging',
          region: pick(random, ['eu-west-1', 'eu-central-1', 'us-east-1']),
          release: `v2.${int(random, 0, 30)}.${int(random, 0, 9)}`,
          host: host(random),
          trace_id: traceId,
          retried: random() < 0.2,
        },
      };
    },
  };
}

/**
 * Title and body templates with `%s` slots for the seeded list database, one per cause
 * (PostgreSQL's `format()` fills them), with the service and component they belong to.
 */
export const seedTemplates: readonly { readonly title: string; readonly body: string; readonly service: string; readonly component: string }[] = [
  { title: 'Timeout after %s ms calling inventory-api /v1/items/%s', body: 'TimeoutError: request timed out', service: 'checkout-api', component: 'inventory-client' },
  { title: 'HTTP 503 Service Unavailable from payments-gateway (request %s-%s)', body: 'UpstreamError: 503', service: 'checkout-api', component: 'payments' },
  { title: 'HTTP 429 Too Many Requests from api-%s.prod.internal, retry after %ss', body: 'RateLimitedError', service: 'search-api', component: 'rate-limiter' },
  { title: 'NullPointerException in OrderService.applyDiscount(order=%s%s)', body: 'java.lang.NullPointerException', service: 'orders-service', component: 'discounts' },
  { title: 'Deadlock detected while updating inventory row %s (tx %s)', body: 'ERROR: deadlock detected (SQLSTATE 40P01)', service: 'inventory-service', component: 'stock-writer' },
  { title: 'Disk usage at 9%s%% on db-%s.prod.internal /var/lib/postgresql', body: 'alert DiskAlmostFull firing', service: 'postgres-primary', component: 'disk' },
  { title: 'Job nightly-invoices#%s failed after %s attempts: exit code 137', body: 'JobFailedError', service: 'billing-worker', component: 'scheduler' },
  { title: 'User user%s@example.com failed login: invalid password (attempt %s)', body: 'AuthenticationError', service: 'auth-service', component: 'login' },
  { title: 'Kafka consumer lag %s on topic orders-v1 partition %s', body: 'alert ConsumerLagHigh firing', service: 'orders-consumer', component: 'kafka' },
  { title: 'GET /api/v2/users/%s/profile returned 500 in %sms', body: 'InternalServerError', service: 'users-api', component: 'profile' },
  { title: 'Slow query (%s ms): SELECT * FROM orders WHERE customer_id = %s', body: 'duration exceeded', service: 'reporting', component: 'database' },
  { title: 'connect ECONNREFUSED 10.0.%s.%s:5432', body: 'Error: connect ECONNREFUSED', service: 'api-gateway', component: 'upstream' },
  { title: 'Payment %s-%s declined: card_declined', body: 'CardDeclinedError', service: 'payments-service', component: 'card-processor' },
  { title: 'Webhook delivery to https://hooks.customer%s.example/in failed with 404 after %s retries', body: 'DeliveryError: 404', service: 'webhooks', component: 'delivery' },
  { title: 'OOMKilled: container app in pod search-api-%s-%s exceeded memory limit 512Mi', body: 'Reason: OOMKilled', service: 'search-api', component: 'runtime' },
  { title: 'Cache miss storm: %s misses/s for key prefix product:%s', body: 'alert CacheMissRateHigh firing', service: 'catalog-service', component: 'cache' },
  { title: 'Build %s%s failed: test checkout.spec.ts expected 200 got 502', body: 'AssertionError', service: 'ci', component: 'e2e-tests' },
  { title: 'DNS lookup failed for smtp-%s.provider.example: ENOTFOUND (%s)', body: 'Error: getaddrinfo ENOTFOUND', service: 'notifications', component: 'dns' },
  { title: "READONLY You can't write against a read only replica (10.1.%s.%s:6379)", body: 'ReplyError: READONLY', service: 'session-store', component: 'redis' },
  { title: 'APNs rejected %s notifications: BadDeviceToken (batch %s)', body: 'PushError: BadDeviceToken', service: 'mobile-backend', component: 'push' },
];
