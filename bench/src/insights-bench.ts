import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { uuidv7 } from 'uuidv7';
import { createPool, withClient, withTenant } from '@causeloop/platform/db';
import { withBenchDatabase } from './bench-database.js';
import { createRecordGenerator, type RecordJson } from './failure-records.js';
import { benchListIssues } from './insights-list-bench.js';
import { benchJobQueue } from './job-queue-bench.js';
import { benchPredictions } from './predictions-bench.js';
import {
  cpuFromMetrics,
  machineCpu,
  ownCpu,
  postgresCpu,
  seedBenchUser,
  seedBenchWorkspace,
  startInsightsBenchStack,
  type CpuProbe,
} from './insights-stack.js';
import { report, summarize, type Measurement } from './measure.js';
import { benchTemplateMiner } from './template-miner-bench.js';

/** Clients sending batches at once, each for its own workspace with its own service-account token. */
const ingestClients = 4;
/** The most a batch may hold (issue 18), so the fewest round trips per record. */
const batchSize = 500;
/** Batches each client sends before measuring: JIT, connections, and each workspace's first patterns and miner. */
const warmupBatches = 3;
const ingestDurationMs = 10_000;
/** Bodies made ahead per client: enough for 10 s at 16,000 events/s; more are made on the fly. */
const preparedBatches = 80;
/** Issue 18: ingest through the gateway reaches this many events a second, and this share of the raw insert. */
const targetEventsPerSecond = 10_000;
const targetRatio = 0.5;
const recordSeed = 18_0001;

/**
 * `npm run bench -- insights` (issue 18), in one run: the template miner on one core; ingest
 * events/s through the gateway's `POST /v1/ingest/batch` beside a plain multi-row INSERT of
 * the same rows into the same table; and ListIssues p50/p99 at 1,000,000 issues across
 * 1,000 workspaces on page 1 and page 1,000, beside the same keyset SELECT sent directly;
 * the job queue; and a predictor run over 10,000 patterns (predictions-bench.ts).
 */
export async function benchInsights(): Promise<void> {
  console.log('\nInsights (issues 18, 19): the template miner, ingest, listing issues at 1,000,000 issues, the job queue and the predictor');
  await benchTemplateMiner();
  await benchIngest();
  await benchListIssues();
  await benchJobQueue();
  await benchPredictions();
}

/**
 * Ingest through the whole path: `ingestClients` clients, each POSTing batches of
 * `batchSize` varied records (22 causes across services, ids, durations and hosts
 * that vary, stack traces, attributes) for its own workspace with a service-account token
 * holding `ingest:write`, over keep-alive connections, to the real gateway, insights and
 * auth processes on an embedded PostgreSQL. No Idempotency-Key (it adds a stored answer per
 * batch). The baseline inserts the rows the service stored (read back after the run, with
 * their patterns copied to fresh workspaces) with one `insert … select from unnest(…)` per
 * batch inside `withTenant`, as the app role, from the same number of clients: what storing
 * them costs with no HTTP, auth, checking, grouping, routing, pattern figures or audit.
 */
export async function benchIngest(): Promise<void> {
  await withBenchDatabase(async ({ ownerUrl, appUrl, dataDirectory }) => {
    const userId = await seedBenchUser(ownerUrl);
    const pool = createPool({ connectionString: appUrl, applicationName: 'bench', max: ingestClients });
    const stack = await startInsightsBenchStack(appUrl, { insightsPoolMax: 2 * ingestClients });
    const agent = new http.Agent({ keepAlive: true, maxSockets: ingestClients });
    try {
      const workspaces = Array.from({ length: ingestClients }, () => uuidv7());
      for (const [index, workspaceId] of workspaces.entries()) {
        await seedBenchWorkspace(pool, { workspaceId, userId, name: `Ingest ${index + 1}` });
      }
      const clients = await Promise.all(
        workspaces.map(async (workspaceId, index) => ({
          workspaceId,
          token: await stack.serviceAccountToken(workspaceId, ['ingest:write']),
          records: createRecordGenerator(recordSeed + index),
        })),
      );
      const url = `${stack.gateway.httpUrl!}/v1/ingest/batch`;
      const batchBody = (client: (typeof clients)[number], prefix: string): string => {
        const records: RecordJson[] = Array.from({ length: batchSize }, () => client.records.next(prefix));
        return JSON.stringify({ records });
      };
      // The measured window's bodies are made before it starts: on 2 cores, making them
      // during it took CPU from the servers being measured.
      const ready = clients.map((client) => Array.from({ length: preparedBatches }, () => batchBody(client, 'm')));
      const sendBatch = async (client: (typeof clients)[number], body: string): Promise<number> => {
        const answer = JSON.parse(await post(agent, url, client.token, body)) as {
          accepted?: unknown[];
          rejected?: { index?: number; reason: string }[];
        };
        const rejected = answer.rejected ?? [];
        if (rejected.length > 0) throw new Error(`the gateway rejected ${rejected.length} records, e.g. ${JSON.stringify(rejected[0])}`);
        return answer.accepted?.length ?? 0;
      };

      await Promise.all(clients.map(async (client) => {
        for (let batch = 0; batch < warmupBatches; batch++) await sendBatch(client, batchBody(client, 'w'));
      }));
      // The warm-up made most patterns active, which queued their analysis (docs/loop.md):
      // let the job worker finish those first, so the window measures ingest, not analysis.
      await drainJobQueue(ownerUrl);
      const probes = [
        cpuFromMetrics('api-gateway', stack.gateway.opsUrl),
        cpuFromMetrics('insights', stack.insights.opsUrl),
        cpuFromMetrics('auth', stack.auth.opsUrl),
        postgresCpu(dataDirectory),
        ownCpu,
        machineCpu,
      ];
      const before = await readProbes(probes);
      const gatewayRun = await runFor(ingestDurationMs, clients.length, (index) =>
        sendBatch(clients[index]!, ready[index]!.shift() ?? batchBody(clients[index]!, 'm')),
      );
      const cpu = cpuPerThousand(probes, before, await readProbes(probes), gatewayRun.items, gatewayRun.elapsedSeconds);
      const gateway = measurementOf(`gateway POST /v1/ingest/batch (${clients.length} clients)`, gatewayRun);

      // The baseline: the same rows, stored by hand in fresh workspaces holding copies of the patterns.
      const rows = await Promise.all(clients.map((client) => storedRows(pool, client.workspaceId)));
      const copies = await Promise.all(
        clients.map(async (client, index) => {
          const workspaceId = uuidv7();
          await seedBenchWorkspace(pool, { workspaceId, userId, name: `Insert ${index + 1}` });
          const patterns = await copyPatterns(pool, client.workspaceId, workspaceId);
          return { workspaceId, patterns, batches: chunk(rows[index]!, batchSize) };
        }),
      );
      let insertedRows = 0;
      const insertProbes = [postgresCpu(dataDirectory), ownCpu, machineCpu];
      const insertBefore = await readProbes(insertProbes);
      const insertRun = await runBatches(copies.map((copy) => () => {
        const batch = copy.batches.shift();
        if (batch === undefined) return undefined;
        return insertBatch(pool, copy.workspaceId, batch).then((count) => {
          insertedRows += count;
          return count;
        });
      }));
      const insertCpu = cpuPerThousand(insertProbes, insertBefore, await readProbes(insertProbes), insertRun.items, insertRun.elapsedSeconds);
      if (insertedRows !== gatewayRun.items) throw new Error(`the baseline inserted ${insertedRows} rows, the gateway run stored ${gatewayRun.items}`);
      const insert = measurementOf(`INSERT … unnest(…), withTenant (${clients.length} clients)`, insertRun);

      report(
        `Insights ingest, ${batchSize}-record batches of varied records, ${clients.length} clients (a workspace each), ` +
          `${ingestDurationMs / 1000} s after ${warmupBatches} warm-up batches each; latency per batch`,
        insert,
        [gateway],
        'events/s',
      );
      const ratio = gateway.opsPerSecond / insert.opsPerSecond;
      console.log(
        `  target: >= ${targetEventsPerSecond.toLocaleString('en')} events/s through the gateway: ${Math.round(gateway.opsPerSecond).toLocaleString('en')}, ` +
          `${gateway.opsPerSecond >= targetEventsPerSecond ? 'met' : 'NOT met'}; ` +
          `>= ${targetRatio.toFixed(2)}x the raw insert: ${ratio.toFixed(2)}x, ${ratio >= targetRatio ? 'met' : 'NOT met'}`,
      );
      const patterns = copies.reduce((sum, copy) => sum + copy.patterns, 0);
      console.log(`  the service grouped the ${gatewayRun.items.toLocaleString('en')} measured records (and the warm-up's) into ${patterns} patterns across ${clients.length} workspaces`);
      console.log(`  CPU per 1,000 events, gateway path: ${cpu}`);
      console.log(`  CPU per 1,000 rows, raw insert:     ${insertCpu}`);
    } finally {
      agent.destroy();
      await stack.stop();
      await pool.end();
    }
  });
}

/** Waits until no job is queued or running (the owner's policy lets it see exactly those). */
async function drainJobQueue(ownerUrl: string): Promise<void> {
  const deadline = performance.now() + 120_000;
  for (;;) {
    const waiting = await withClient(ownerUrl, async (client) =>
      Number((await client.query<{ n: string }>(`select count(*) as n from jobs where status in ('queued', 'running')`)).rows[0]?.n),
    );
    if (waiting === 0) return;
    if (performance.now() > deadline) throw new Error(`${waiting} jobs still waiting after 2 minutes`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

interface Run {
  readonly latencies: number[];
  /** Items done (events, rows), as the operations reported them. */
  readonly items: number;
  readonly elapsedSeconds: number;
}

/** Throughput in items (not calls) per second; latency per call. */
function measurementOf(label: string, run: Run): Measurement {
  return { ...summarize(label, run.latencies, run.elapsedSeconds), opsPerSecond: run.items / run.elapsedSeconds };
}

/** `workers` loops calling `operation(worker)` until `ms` passed; the window ends when the last call returns. */
async function runFor(ms: number, workers: number, operation: (worker: number) => Promise<number>): Promise<Run> {
  const deadline = performance.now() + ms;
  return runBatches(
    Array.from({ length: workers }, (_, worker) => () => (performance.now() < deadline ? operation(worker) : undefined)),
  );
}

/** Each worker calls its `next` until it answers undefined (nothing left), one call at a time. */
async function runBatches(workers: readonly (() => Promise<number> | undefined)[]): Promise<Run> {
  const latencies: number[] = [];
  let items = 0;
  const started = performance.now();
  await Promise.all(
    workers.map(async (next) => {
      for (;;) {
        const sent = performance.now();
        const call = next();
        if (call === undefined) return;
        const done = await call; // not `items += await call`: that reads `items` before waiting
        items += done;
        latencies.push(performance.now() - sent);
      }
    }),
  );
  return { latencies, items, elapsedSeconds: (performance.now() - started) / 1000 };
}

async function readProbes(probes: readonly CpuProbe[]): Promise<number[]> {
  return Promise.all(probes.map((probe) => probe.seconds()));
}

/** "api-gateway 12.3 ms, …": CPU each probe used per 1,000 items, and the machine's busy cores. */
function cpuPerThousand(probes: readonly CpuProbe[], before: readonly number[], after: readonly number[], items: number, elapsedSeconds: number): string {
  const used = probes.map((probe, index) => ({ name: probe.name, seconds: after[index]! - before[index]! }));
  const parts = used.map(({ name, seconds }) => `${name} ${((seconds * 1000 * 1000) / items).toFixed(1)} ms`);
  const machine = used.find((entry) => entry.name === machineCpu.name)!.seconds;
  const ours = used.filter((entry) => entry.name !== machineCpu.name).reduce((sum, entry) => sum + entry.seconds, 0);
  return `${parts.join(', ')} (machine busy ${(machine / elapsedSeconds).toFixed(2)} cores, of which not this bench ${Math.max(0, (machine - ours) / elapsedSeconds).toFixed(2)})`;
}

/** One stored issue, as the ingest wrote it (columns of the service's insert). */
interface StoredRow {
  readonly source: string;
  readonly external_id: string;
  readonly title: string;
  readonly body: string;
  readonly severity: number;
  readonly service: string;
  readonly component: string;
  readonly url: string;
  readonly attributes: string;
  readonly occurred_at: string;
  readonly fingerprint: string;
  readonly template: string;
  readonly slots: string;
  readonly grouping_rule: string;
  readonly pattern_id: string;
  readonly risk_score: number;
}

/** The issues the measured window stored in `workspaceId`, in the order they were made (UUIDv7 ids). */
async function storedRows(pool: ReturnType<typeof createPool>, workspaceId: string): Promise<StoredRow[]> {
  return withTenant(pool, workspaceId, async (client) =>
    (
      await client.query<StoredRow>(
        `select source, external_id, title, body, severity, service, component, url, attributes::text as attributes,
                occurred_at::text as occurred_at, fingerprint, template, slots::text as slots, grouping_rule, pattern_id, risk_score
           from issues where external_id like 'm-%' order by id`,
      )
    ).rows,
  );
}

/** The patterns of `from`, as they stand, into `to` (same ids: the copied rows point at them); returns how many. */
async function copyPatterns(pool: ReturnType<typeof createPool>, from: string, to: string): Promise<number> {
  const patterns = await withTenant(pool, from, async (client) =>
    (
      await client.query(
        `select id, template, service, component, status, issue_count, severity, first_seen, last_seen, recurrence, risk_score
           from patterns where merged_into is null`,
      )
    ).rows,
  );
  await withTenant(pool, to, (client) =>
    client.query(
      `insert into patterns (workspace_id, id, template, service, component, status, issue_count, severity, first_seen, last_seen, recurrence, risk_score)
       select app_current_tenant(), p.* from jsonb_to_recordset($1::jsonb) as p(
         id uuid, template text, service text, component text, status text, issue_count integer, severity smallint,
         first_seen timestamptz, last_seen timestamptz, recurrence text, risk_score smallint)`,
      [JSON.stringify(patterns)],
    ),
  );
  return patterns.length;
}

/** One multi-row INSERT of the columns the service writes, in one transaction under the tenant. */
async function insertBatch(pool: ReturnType<typeof createPool>, workspaceId: string, rows: readonly StoredRow[]): Promise<number> {
  const column = <K extends keyof StoredRow>(key: K) => rows.map((row) => row[key]);
  const result = await withTenant(pool, workspaceId, (client) =>
    client.query(
      `insert into issues (workspace_id, id, source, external_id, title, body, severity, service, component, url,
                           attributes, occurred_at, fingerprint, template, slots, grouping_rule, pattern_id, risk_score)
       select app_current_tenant(), r.*
         from unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::smallint[], $7::text[], $8::text[], $9::text[],
                     $10::jsonb[], $11::timestamptz[], $12::text[], $13::text[], $14::jsonb[], $15::text[], $16::uuid[], $17::smallint[]) as r`,
      [
        rows.map(() => uuidv7()),
        column('source'),
        column('external_id'),
        column('title'),
        column('body'),
        column('severity'),
        column('service'),
        column('component'),
        column('url'),
        column('attributes'),
        column('occurred_at'),
        column('fingerprint'),
        column('template'),
        column('slots'),
        column('grouping_rule'),
        column('pattern_id'),
        column('risk_score'),
      ],
    ),
  );
  return result.rowCount ?? 0;
}

function chunk<T>(values: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let start = 0; start < values.length; start += size) chunks.push(values.slice(start, start + size));
  return chunks;
}

/** POST of JSON over the keep-alive agent; anything but a 2xx fails the run rather than being counted. */
function post(agent: http.Agent, url: string, token: string, body: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      url,
      {
        method: 'POST',
        agent,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (part: string) => (text += part));
        response.on('end', () => {
          const status = response.statusCode ?? 0;
          if (status >= 200 && status < 300) resolve(text);
          else reject(new Error(`POST ${url} answered ${status}: ${text.slice(0, 500)}`));
        });
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}
