import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { Pool } from 'pg';
import { withTenant } from '../../src/db/with-tenant.js';
import { seedWorkspace } from '../../src/testing/index.js';

const repositoryRoot = path.resolve(import.meta.dirname, '../../../..');

/** The table the fixture's job effect writes to: no unique key, so a duplicate effect would show as a second row. */
export const effectsTable = `create table job_effects (workspace_id uuid not null, job_id uuid not null, worker text not null)`;

/** `count` workspaces, each with `perWorkspace` jobs of `kind`, queued as the app role. */
export async function seedJobs(pool: Pool, options: { workspaces: number; perWorkspace: number; kind: string; maxAttempts?: number }): Promise<string[]> {
  const workspaces: string[] = [];
  for (let index = 0; index < options.workspaces; index += 1) {
    const workspaceId = await seedWorkspace(pool, `Jobs ${index}`);
    await withTenant(pool, workspaceId, (client) =>
      client.query(
        `insert into jobs (workspace_id, id, kind, payload, max_attempts)
         select $1, uuidv7(), $2, jsonb_build_object('n', n), $4 from generate_series(1, $3) n`,
        [workspaceId, options.kind, options.perWorkspace, options.maxAttempts ?? 5],
      ),
    );
    workspaces.push(workspaceId);
  }
  return workspaces;
}

export interface WorkerProcess {
  readonly child: ChildProcess;
  readonly workerId: string;
  readonly exited: Promise<number | null>;
}

/** Starts test/fixtures/job-worker.ts as a real process on the app role; resolves once it polls. */
export async function startWorkerProcess(databaseUrl: string, env: Record<string, string> = {}): Promise<WorkerProcess> {
  const child = spawn(process.execPath, [path.join(repositoryRoot, 'packages/platform/test/fixtures/job-worker.ts')], {
    cwd: repositoryRoot,
    env: { PATH: process.env['PATH'] ?? '', DATABASE_URL: databaseUrl, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const lines = createInterface({ input: child.stdout! });
  const workerId = await new Promise<string>((resolve, reject) => {
    lines.on('line', (line) => {
      const workerId = /"worker_id":"([^"]+)","ready":true/.exec(line)?.[1];
      if (workerId !== undefined) resolve(workerId);
    });
    void exited.then((code) => reject(new Error(`job worker fixture exited with ${code} before it was ready:\n${stderr}`)));
  });
  child.stdout!.resume();
  return { child, workerId, exited };
}

/** Resolves once `check` is true, looking every 100 ms. */
export async function eventually(check: () => Promise<boolean>): Promise<void> {
  while (!(await check())) await new Promise((resolve) => setTimeout(resolve, 100));
}
