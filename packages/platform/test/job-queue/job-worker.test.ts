// The job worker in process, against real PostgreSQL: effect and completion in one
// transaction, retries with backoff, dead after the last attempt, a handler giving up, a
// lost lease rolling the effect back, shutdown giving jobs back, and the metrics.
import type { Pool } from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { withClient } from '../../src/db/with-client.js';
import { withTenant } from '../../src/db/with-tenant.js';
import { createJobWorker, enqueueJob, readJob, type JobHandler, type JobWorker, type JobWorkerOptions } from '../../src/job-queue/index.js';
import { createLogger } from '../../src/log/index.js';
import { createMetricsRegistry } from '../../src/metrics/index.js';
import { createTestDatabase, seedWorkspace, type TestDatabase } from '../../src/testing/index.js';
import { eventually } from './job-queue-fixtures.js';

let database: TestDatabase;
let pool: Pool;
let workspace: string;
let worker: JobWorker | undefined;
const registry = createMetricsRegistry({ service: 'job-worker-test' });
const logger = createLogger({ service: 'job-worker-test', level: 'silent' });

const start = (handlers: Record<string, JobHandler>, options: Partial<JobWorkerOptions> = {}) => {
  worker = createJobWorker({ pool, logger, registry, handlers, pollIntervalMs: 20, depthIntervalMs: 0, ...options });
  worker.start();
  return worker;
};
const enqueue = (kind: string, extra: { maxAttempts?: number; payload?: unknown } = {}) =>
  withTenant(pool, workspace, async (client) => (await enqueueJob(client, { workspaceId: workspace, kind, ...extra })).id);
const job = (id: string) => withTenant(pool, workspace, (client) => readJob(client, id));
const effects = (id: string) =>
  withTenant(pool, workspace, async (client) => Number((await client.query('select count(*) from job_test_effects where job_id = $1', [id])).rows[0]!.count));
const settledAs = async (id: string, status: string) => {
  await eventually(async () => (await job(id))?.status === status);
  return (await job(id))!;
};
const recordEffect = (id: string) => (client: { query: (sql: string, values: unknown[]) => Promise<unknown> }) =>
  client.query('insert into job_test_effects (workspace_id, job_id) values (app_current_tenant(), $1)', [id]);

beforeAll(async () => {
  database = await createTestDatabase();
  pool = database.pool({ applicationName: 'job-worker-test', max: 8 });
  workspace = await seedWorkspace(pool, 'Jobs');
  await withClient(database.ownerUrl, (client) => client.query('create table job_test_effects (workspace_id uuid not null, job_id uuid not null)'));
});
afterEach(async () => {
  await worker?.stop();
  worker = undefined;
});
afterAll(async () => {
  await database?.drop();
});

describe('a job worker', () => {
  it('commits the effect with the completion and stores its result', async () => {
    start({ add: async (claimed, { complete }) => complete(async (client) => (await recordEffect(claimed.id)(client), { payload: claimed.payload })) });
    const id = await enqueue('add', { payload: { n: 1 } });
    worker!.wake();
    expect(await settledAs(id, 'succeeded')).toMatchObject({ attempts: 1, result: { payload: { n: 1 } }, last_error: null });
    expect(await effects(id)).toBe(1);
  });

  it('retries a failing job after its backoff, then makes it dead after the last attempt', async () => {
    const attempts: number[] = [];
    start(
      {
        flaky: async (claimed) => {
          attempts.push(claimed.attempt);
          throw new Error('upstream timed out: secret detail');
        },
      },
      { backoff: (attempt) => (attempt === 1 ? 60_000 : 0) },
    );
    const id = await enqueue('flaky', { maxAttempts: 3 });
    const waiting = await settledAs(id, 'queued').then(async () => {
      await eventually(async () => (await job(id))!.attempts === 1 && (await job(id))!.last_error !== null);
      return withTenant(pool, workspace, async (client) =>
        (await client.query(`select last_error, extract(epoch from run_after - updated_at) * 1000 as backoff_ms from jobs where id = $1`, [id])).rows[0],
      );
    });
    // The backoff is the one given for attempt 1, and the stored error is generic.
    expect(waiting).toEqual({ last_error: 'attempt 1 failed', backoff_ms: '60000.000000' });
    await withClient(database.adminUrl, (client) => client.query(`update jobs set run_after = now() where id = $1`, [id]));
    worker!.wake();
    expect(await settledAs(id, 'dead')).toMatchObject({ attempts: 3, last_error: 'gave up after 3 attempts' });
    expect(attempts).toEqual([1, 2, 3]);
    const metrics = await registry.getSingleMetricAsString('causeloop_jobs_completed_total');
    expect(metrics).toContain('causeloop_jobs_completed_total{kind="flaky",outcome="retried",service="job-worker-test"} 2');
    expect(metrics).toContain('causeloop_jobs_completed_total{kind="flaky",outcome="dead",service="job-worker-test"} 1');
  });

  it('fails a job for good when its handler gives up', async () => {
    start({ doomed: async (_claimed, { fail }) => fail('the pattern no longer exists') });
    const id = await enqueue('doomed');
    expect(await settledAs(id, 'failed')).toMatchObject({ attempts: 1, last_error: 'the pattern no longer exists' });
  });

  it('rolls the effect back when the lease was lost, leaving the job to its new holder', async () => {
    start({
      stolen: async (claimed, { complete }) => {
        // Another worker took the job over meanwhile (this one's lease had lapsed).
        await withClient(database.adminUrl, (client) => client.query(`update jobs set leased_by = 'other', attempts = attempts + 1 where id = $1`, [claimed.id]));
        await complete(recordEffect(claimed.id));
      },
    });
    const id = await enqueue('stolen');
    await eventually(async () => ((await registry.getSingleMetricAsString('causeloop_jobs_completed_total')).includes('kind="stolen",outcome="lease_lost"')));
    expect(await job(id)).toMatchObject({ status: 'running', attempts: 2 });
    expect(await effects(id)).toBe(0);
  });

  it('rolls the completion back with an effect that throws, and retries', async () => {
    let calls = 0;
    start({
      shaky: async (claimed, { complete }) => {
        calls += 1;
        await complete(async (client) => {
          await recordEffect(claimed.id)(client);
          if (calls === 1) throw new Error('constraint violated');
        });
      },
    }, { backoff: () => 0 });
    const id = await enqueue('shaky');
    expect(await settledAs(id, 'succeeded')).toMatchObject({ attempts: 2, last_error: 'attempt 1 failed' });
    expect(await effects(id)).toBe(1);
  });

  it('renews the lease of a long job, and gives unfinished jobs back on stop without counting the attempt', async () => {
    let started!: () => void;
    const running = new Promise<void>((resolve) => (started = resolve));
    const slow: JobHandler = async (_claimed, { signal }) => {
      started();
      // Works until the worker's stop deadline passes.
      await new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason)));
    };
    start({ slow }, { leaseMs: 300 });
    const id = await enqueue('slow');
    await running;
    const first = (await job(id))!.lease_expires_at!;
    await eventually(async () => (await job(id))!.lease_expires_at!.getTime() > first.getTime());
    await worker!.stop(new Date(Date.now() + 50));
    worker = undefined;
    expect(await job(id)).toMatchObject({ status: 'queued', attempts: 0, lease_expires_at: null });
  });

  it('claims nothing without handlers', async () => {
    const id = await enqueue('unhandled');
    expect(start({}).kinds).toEqual([]);
    expect(await job(id)).toMatchObject({ status: 'queued', attempts: 0 });
  });
});
