import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { findFreePort } from '@causeloop/platform/testing';
import { freePortOffset, killLeftoverRunners, pressCtrlC, printedToken, repositoryRoot, startRunner, waitForOutput } from './support/runner.js';

const cli = path.join(repositoryRoot, 'scripts/dist/causeloop.js');
const demoWorkspaceId = '0190a1b2-c3d4-7e5f-8a6b-7c8d9e0f1a2b';

describe('npm start (the local runner)', () => {
  const scratch: string[] = [];
  afterEach(killLeftoverRunners);
  afterAll(async () => {
    for (const directory of scratch) await rm(directory, { recursive: true, force: true });
  });

  it('brings up PostgreSQL with migrations, secrets and demo data, and stops on Ctrl-C within 10 s', async () => {
    const home = await mkdtemp(path.join(tmpdir(), 'causeloop-home-'));
    scratch.push(home);
    const port = await findFreePort();
    // Services on their default ports shifted, so a developer's own npm start can keep running.
    const offset = await freePortOffset();
    const environment = { CAUSELOOP_HOME: home, CAUSELOOP_POSTGRES_PORT: String(port), CAUSELOOP_PORT_OFFSET: String(offset) };

    const first = startRunner(environment);
    await waitForOutput(first, 'Press Ctrl-C to stop.', 90_000);
    expect(first.output()).toContain('migrations applied');

    // Every service built in this checkout runs, with the secrets it needs, and is ready;
    // the demo owner signs in through auth's development mode.
    expect(first.output()).toContain(`crypto      grpc 127.0.0.1:${50054 + offset}`);
    expect(first.output()).toContain(`auth        grpc 127.0.0.1:${50051 + offset}`);
    expect(first.output()).toContain(`tenancy     grpc 127.0.0.1:${50052 + offset}`);
    expect(first.output()).toContain(`insights    grpc 127.0.0.1:${50053 + offset}  ops http://127.0.0.1:${9093 + offset}/ready`);
    await waitForOutput(first, "Demo owner's access token", 30_000);
    await waitForOutput(first, 'API description:', 60_000); // printed once the demo history is in
    const token = printedToken(first);
    expect(token).toBeDefined();

    // The printed curl works: the gateway routes it to auth with the demo owner's token.
    expect(first.output()).toContain(`curl -H "Authorization: Bearer ${token}" http://127.0.0.1:${8080 + offset}/v1/api-tokens/scopes`);
    const scopes = await fetch(`http://127.0.0.1:${8080 + offset}/v1/api-tokens/scopes`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(scopes.status).toBe(200);
    expect(((await scopes.json()) as { scopes: unknown[] }).scopes.length).toBeGreaterThan(10);
    await expect
      .poll(async () => (await fetch(`http://127.0.0.1:${9094 + offset}/ready`).catch(() => undefined))?.status, {
        timeout: 10_000,
      })
      .toBe(200);

    // Tenancy starts with the keys the runner gives it, and the gateway fronts it: the demo
    // workspace answers through the printed curl.
    await expect
      .poll(async () => (await fetch(`http://127.0.0.1:${9092 + offset}/ready`).catch(() => undefined))?.status, {
        timeout: 10_000,
      })
      .toBe(200);
    const workspaceUrl = `http://127.0.0.1:${8080 + offset}/v1/workspaces/${demoWorkspaceId}`;
    expect(first.output()).toContain(`curl -H "Authorization: Bearer ${token}" ${workspaceUrl}`);
    const workspace = await fetch(workspaceUrl, { headers: { authorization: `Bearer ${token}` } });
    expect(workspace.status).toBe(200);
    expect(await workspace.json()).toMatchObject({ workspace: { id: demoWorkspaceId, name: 'Demo workspace' } });

    // The demo history went through insights' ingest API and grouped: the printed issue and
    // pattern curls show a few hundred issues in recurring patterns.
    const history = /^Demo history: (\d+) failure records of the last 90 days ingested: (\d+) issues in (\d+) patterns\.$/m.exec(first.output());
    expect(history, first.output().slice(-3000)).not.toBeNull();
    const [sent, createdIssues, patternCount] = history!.slice(1).map(Number) as [number, number, number];
    expect(sent).toBeGreaterThanOrEqual(300);
    expect(createdIssues).toBe(sent);
    expect(patternCount).toBeGreaterThanOrEqual(12);
    expect(patternCount).toBeLessThan(createdIssues / 4);
    for (const resource of ['issues', 'patterns']) {
      const url = `http://127.0.0.1:${8080 + offset}/v1/${resource}?limit=5`;
      expect(first.output()).toContain(`curl -H "Authorization: Bearer ${token}" "${url}"`);
      const listed = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
      expect(listed.status).toBe(200);
      const page = (await listed.json()) as { data: Record<string, unknown>[]; page: { has_more: boolean } };
      expect(page.data).toHaveLength(5);
      expect(page.page.has_more).toBe(true);
    }
    const patterns = (await (await fetch(`http://127.0.0.1:${8080 + offset}/v1/patterns?limit=5`, { headers: { authorization: `Bearer ${token}` } })).json()) as {
      data: { issue_count: number }[];
    };
    expect(Math.max(...patterns.data.map((pattern) => pattern.issue_count))).toBeGreaterThanOrEqual(10); // the riskiest recur

    // The printed org-create hint works as printed: the CLI takes the operator token from
    // secrets.json, whose SHA-256 tenancy was given.
    const hint = /^ {2}(TENANCY_GRPC_ADDR=\S+) (AUTH_GRPC_ADDR=\S+) (CAUSELOOP_HOME=\S+) npm run causeloop -- org create /m.exec(first.output());
    expect(hint).not.toBeNull();
    const hintEnv = Object.fromEntries(hint!.slice(1).map((setting) => setting.split('=') as [string, string]));
    const created = await promisify(execFile)(
      process.execPath,
      [cli, 'org', 'create', '--slug', 'acme', '--name', 'Acme', '--plan', 'starter', '--seats', '5', '--owner-email', 'ada@acme.example'],
      { cwd: repositoryRoot, env: { PATH: process.env.PATH ?? '', ...hintEnv } },
    );
    expect(created.stdout).toMatch(/^workspace {4}[0-9a-f-]{36}$/m);

    const secretsFile = path.join(home, 'secrets.json');
    expect((await stat(secretsFile)).mode & 0o777).toBe(0o600);
    const secrets = JSON.parse(await readFile(secretsFile, 'utf8')) as Record<string, string>;
    for (const name of ['appPassword', 'operatorToken', 'cursorSigningKey']) expect(first.output()).not.toContain(secrets[name]);
    expect(created.stdout).not.toContain(secrets.operatorToken);

    // The app role sees the demo workspace only inside its tenant.
    const appUrl = `postgres://causeloop_app:${encodeURIComponent(secrets.appPassword!)}@127.0.0.1:${port}/causeloop`;
    const demoIssues = async (): Promise<number> => {
      const app = new pg.Client({ connectionString: appUrl });
      await app.connect();
      try {
        await app.query('begin');
        await app.query(`select set_config('app.current_workspace', $1, true)`, [demoWorkspaceId]);
        return ((await app.query('select count(*)::int as n from issues')).rows[0] as { n: number }).n;
      } finally {
        await app.end();
      }
    };
    const client = new pg.Client({ connectionString: appUrl });
    await client.connect();
    expect((await client.query('select count(*)::int as n from workspaces')).rows[0]).toEqual({ n: 0 });
    await client.query('begin');
    await client.query(`select set_config('app.current_workspace', $1, true)`, [demoWorkspaceId]);
    expect((await client.query('select name from workspaces')).rows).toEqual([{ name: 'Demo workspace' }]);
    await client.query('rollback');
    await client.end();
    expect(await demoIssues()).toBe(createdIssues);

    const stopped = await pressCtrlC(first);
    expect(stopped.code).toBe(0);

    // A second start reuses the data and secrets: nothing to migrate, same passwords, and
    // the demo history is not sent again.
    const second = startRunner(environment);
    await waitForOutput(second, 'Press Ctrl-C to stop.', 60_000);
    expect(second.output()).toContain('database schema is up to date');
    expect(JSON.parse(await readFile(secretsFile, 'utf8'))).toEqual(secrets);
    await waitForOutput(second, 'Demo history: already in the demo workspace', 60_000);
    expect(await demoIssues()).toBe(createdIssues);
    expect((await pressCtrlC(second)).code).toBe(0);
  }, 180_000);


  it('refuses DATABASE_URL without DATABASE_OWNER_URL, saying which is missing', async () => {
    const home = await mkdtemp(path.join(tmpdir(), 'causeloop-home-'));
    scratch.push(home);
    const run = startRunner({ CAUSELOOP_HOME: home, DATABASE_URL: 'postgres://causeloop_app:pw@127.0.0.1:1/causeloop' });
    expect(await run.exited).toBe(1);
    expect(run.output()).toContain('DATABASE_OWNER_URL must name the owner role');
  });
});
