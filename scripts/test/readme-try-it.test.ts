// The README's "Try it" block, run as written against `npm start`: the token line gets the
// printed token, `TARGET=…; SOURCE=…` two real pattern ids, and 127.0.0.1:8080 the runner's
// shifted port; every curl must answer 2xx with what the comment above it promises.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { findFreePort } from '@causeloop/platform/testing';
import { killLeftoverRunners, pressCtrlC, printedToken, repositoryRoot, startRunner, waitForOutput } from './support/runner.js';

const run = promisify(execFile);

/** The ```sh block of the README's "## Try it" section, as written. */
async function tryItBlock(): Promise<string> {
  const readme = await readFile(path.join(repositoryRoot, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Try it'));
  const block = /```sh\n([\s\S]*?)```/.exec(section)?.[1];
  if (block === undefined) throw new Error('README.md has no ```sh block under "## Try it"');
  return block;
}

interface CurlAnswer {
  readonly command: string;
  readonly status: number;
  readonly body: unknown;
}

/**
 * Runs the block with bash as a reader would paste it, except that `curl` reports each
 * answer's status after its body (the reader sees the same bodies).
 */
async function runBlock(block: string): Promise<CurlAnswer[]> {
  // The command on one line (a JSON body may span several), then the answer.
  const wrapper = `curl() { local line="$*"; printf '@@command %s\\n' "\${line//$'\\n'/ }"; command curl -sS -w '\\n@@status %{http_code}\\n' "$@"; }\nset -e\n`;
  const { stdout } = await run('bash', ['-c', wrapper + block], { cwd: repositoryRoot, env: { PATH: process.env.PATH ?? '' } });
  return stdout
    .split('@@command ')
    .slice(1)
    .map((chunk) => {
      const [command = '', ...rest] = chunk.split('\n');
      const text = rest.join('\n');
      const status = Number(/@@status (\d+)\n$/.exec(text)?.[1]);
      return { command, status, body: JSON.parse(text.slice(0, text.lastIndexOf('@@status'))) as unknown };
    });
}

describe("the README's Try it block", () => {
  const scratch: string[] = [];
  afterEach(killLeftoverRunners);
  afterAll(async () => {
    for (const directory of scratch) await rm(directory, { recursive: true, force: true });
  });

  it('ingests a record, lists issues and patterns, and merges two patterns, run as written against npm start', async () => {
    const block = await tryItBlock();
    for (const route of ['/v1/ingest/events', '/v1/issues', '/v1/patterns', '/merge']) expect(block).toContain(route);
    expect(block).toMatch(/^TOKEN=eyJ…/m);
    expect(block).toMatch(/^TARGET=…; SOURCE=…$/m);

    const home = await mkdtemp(path.join(tmpdir(), 'causeloop-home-'));
    scratch.push(home);
    const offset = 1_000 + Math.floor(Math.random() * 5_000);
    const runner = startRunner({
      CAUSELOOP_HOME: home,
      CAUSELOOP_POSTGRES_PORT: String(await findFreePort()),
      CAUSELOOP_PORT_OFFSET: String(offset),
    });
    try {
      await waitForOutput(runner, 'API description:', 120_000); // the demo history is in by then
      const token = printedToken(runner)!;
      expect(token).toBeDefined();
      const base = `http://127.0.0.1:${8080 + offset}`;
      const get = async (route: string) => (await (await fetch(`${base}${route}`, { headers: { authorization: `Bearer ${token}` } })).json()) as Record<string, unknown>;

      // Two of the demo's patterns to merge: the inventory client's 429s and 503s.
      const patterns = (await get('/v1/patterns?service=checkout-api&limit=100')).data as { id: string; template: string; component: string }[];
      const inventory = patterns.filter((pattern) => pattern.component === 'inventory-client');
      const target = inventory.find((pattern) => pattern.template.includes('429'));
      const source = inventory.find((pattern) => pattern.template.includes('503'));
      expect(target).toBeDefined();
      expect(source).toBeDefined();

      const answers = await runBlock(
        block
          .replace(/^TOKEN=eyJ….*$/m, `TOKEN='${token}'`)
          .replace(/^TARGET=…; SOURCE=…$/m, `TARGET=${target!.id}; SOURCE=${source!.id}`)
          .replaceAll('http://127.0.0.1:8080', base),
      );
      expect(answers).toHaveLength(block.split('\n').filter((line) => line.startsWith('curl ')).length); // every curl ran
      for (const answer of answers) expect(answer.status, `${answer.command}\n${JSON.stringify(answer.body)}`).toBeGreaterThanOrEqual(200);
      for (const answer of answers) expect(answer.status, `${answer.command}\n${JSON.stringify(answer.body)}`).toBeLessThan(300);
      const answerTo = (route: string) => answers.find((answer) => answer.command.includes(route))!.body as Record<string, unknown>;

      // The record joined the demo's Stripe-timeout pattern, and the answer says why.
      const ingested = answerTo('/v1/ingest/events') as { issue_id: string; outcome: string; pattern_id: string; grouping: { rule: string; template: string } };
      expect(ingested.outcome).toBe('INGEST_OUTCOME_CREATED');
      expect(ingested.grouping.rule).toBe('template');
      expect(ingested.grouping.template).toContain('PaymentProviderTimeout');
      const joined = (await get(`/v1/patterns/${ingested.pattern_id}`)).pattern as { issue_count: number };
      expect(joined.issue_count).toBeGreaterThan(10);

      // The issues of checkout-api, newest first: the one just sent leads.
      const issues = answerTo('/v1/issues?') as { data: { id: string; service: string }[] };
      expect(issues.data).toHaveLength(5);
      expect(issues.data[0]!.id).toBe(ingested.issue_id);
      expect(issues.data.every((issue) => issue.service === 'checkout-api')).toBe(true);
      expect((answerTo('/v1/patterns?') as { data: unknown[] }).data).toHaveLength(5);

      // The merge kept TARGET and moved SOURCE's issues and fingerprints into it.
      const merged = answerTo('/merge') as { pattern: { id: string; issue_count: number; fingerprints: string[] } };
      expect(merged.pattern.id).toBe(target!.id);
      expect(merged.pattern.fingerprints.length).toBeGreaterThanOrEqual(2);
      const closed = (await get(`/v1/patterns/${source!.id}`)).pattern as { status: string; merged_into: string };
      expect(closed).toMatchObject({ status: 'merged', merged_into: target!.id });
    } finally {
      expect((await pressCtrlC(runner)).code).toBe(0);
    }
  }, 180_000);
});
