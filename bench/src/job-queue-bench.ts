import { performance } from 'node:perf_hooks';
import { uuidv7 } from 'uuidv7';
import { createPool, withClient, withTenant } from '@causeloop/platform/db';
import { createJobWorker } from '@causeloop/platform/job-queue';
import { createLogger } from '@causeloop/platform/log';
import { createMetricsRegistry } from '@causeloop/platform/metrics';
import { withBenchDatabase } from './bench-database.js';
import { measure, report, summarize } from './measure.js';

const workspaces = 100;
const jobsPerWorkspace = 100;
/** Issue 19: jobs claimed ten at a time, with ten in flight. */
const batch = 10;
const targetJobsPerSecond = 1_000;

/**
 * The job queue (issue 19): 10,000 jobs across 100 workspaces drained by one in-process
 * worker claiming 10 at a time, each job's trivial effect (one row inserted) committed with
 * its completion. The baseline is the same number of single-row INSERTs, each in its own
 * withTenant transaction, 10 at a time: the effect alone, with no claim, lease or completion.
 */
export async function benchJobQueue(): Promise<void> {
  await withBenchDatabase(async ({ ownerUrl, appUrl }) => {
    await withClient(ownerUrl, (client) => client.query('create table bench_job_effects (workspace_id uuid not null, job_id uuid not null)'));
    const pool = createPool({ connectionString: appUrl, applicationName: 'bench', max: batch + 2 });
    try {
      const ids = Array.from({ length: workspaces }, () => uuidv7());
      for (const [index, id] of ids.entries()) {
        await withTenant(pool, id, async (client) => {
          await client.query('insert into workspaces (id, name) values ($1, $2)', [id, `Queue ${index}`]);
          await client.query(
            `insert into jobs (workspace_id, id, kind) select $1, uuidv7(), 'bench_effect' from generate_series(1, $2)`,
            [id, jobsPerWorkspace],
          );
        });
      }
      const total = workspaces * jobsPerWorkspace;

      let next = 0;
      const baseline = await measure(
        `${batch} clients, one INSERT per withTenant`,
        () => {
          const workspaceId = ids[next++ % workspaces]!;
          return withTenant(pool, workspaceId, (client) =>
            client.query('insert into bench_job_effects (workspace_id, job_id) values ($1, $2)', [workspaceId, uuidv7()]),
          );
        },
        { total, concurrency: batch },
      );

      const latencies: number[] = [];
      let drained!: () => void;
      const done = new Promise<void>((resolve) => (drained = resolve));
      const worker = createJobWorker({
        pool,
        logger: createLogger({ service: 'bench', level: 'warn' }),
        registry: createMetricsRegistry({ service: 'bench' }),
        concurrency: batch,
        batch,
        pollIntervalMs: 10,
        workspaceCap: null,
        depthIntervalMs: 0,
        handlers: {
          bench_effect: async (job, { complete }) => {
            const started = performance.now();
            // The effect returns nothing: a value would be stored as the job's result.
            await complete(async (client) => {
              await client.query('insert into bench_job_effects (workspace_id, job_id) values ($1, $2)', [job.workspaceId, job.id]);
            });
            latencies.push(performance.now() - started);
            if (latencies.length === total) drained();
          },
        },
      });
      const started = performance.now();
      worker.start();
      await done;
      const elapsedSeconds = (performance.now() - started) / 1000;
      await worker.stop();
      const queue = summarize(`job queue, batch ${batch} (p50/p99: completion)`, latencies, elapsedSeconds);
      report(
        `Job queue (issue 19): ${total.toLocaleString('en')} jobs over ${workspaces} workspaces, target ≥ ${targetJobsPerSecond.toLocaleString('en')} jobs/s`,
        baseline,
        [queue],
        'jobs/s',
      );
      console.log(`  ${queue.opsPerSecond >= targetJobsPerSecond ? 'meets' : 'MISSES'} the target of ${targetJobsPerSecond.toLocaleString('en')} jobs/s`);
    } finally {
      await pool.end();
    }
  });
}
