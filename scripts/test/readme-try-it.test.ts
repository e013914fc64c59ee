// The README's "Try it" and "Close the loop" blocks, run as written against `npm start`: the
// token line gets the printed token, `TARGET=…; SOURCE=…`, `PATTERN=…` and `RECOMMENDATION=…`
// real ids, and 127.0.0.1:8080 the runner's shifted port; every curl must answer 2xx with
// what the comment above it promises.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { findFreePort } from '@causeloop/platform/testing';
import { freePortOffset, killLeftoverRunners, pressCtrlC, printedToken, repositoryRoot, startRunner, waitForOutput } from './support/runner.js';

const run = promisify(execFile);

/** The first ```sh block of a section of the README, as written. */
async function readmeBlock(heading: string): Promise<string> {
  const readme = await readFile(path.join(repositoryRoot, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf(heading));
  const block = /```sh\n([\s\S]*?)```/.exec(section)?.[1];
  if (block === undefined) throw new Error(`README.md has no \`\`\`sh block under "${heading}"`);
  return block;
}

/** Polls `read` until it answers something other than undefined, for up to `ms`. */
async function eventually<T>(read: () => Promise<T | undefined>, ms: number, what: string): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not after ${ms / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
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

  it('ingests, lists, merges, then closes the loop on a demo pattern, run as written against npm start', async () => {
    const block = await readmeBlock('## Try it');
    for (const route of ['/v1/ingest/events', '/v1/issues', '/v1/patterns', '/merge']) expect(block).toContain(route);
    expect(block).toMatch(/^TOKEN=eyJ…/m);
    expect(block).toMatch(/^TARGET=…; SOURCE=…$/m);

    const home = await mkdtemp(path.join(tmpdir(), 'causeloop-home-'));
    scratch.push(home);
    const offset = await freePortOffset();
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

      // Close the loop: an active pattern with its analysis and fixes, once its job ran, and
      // the first predictor run (a minute after start under npm start).
      const loopBlock = await readmeBlock('## Close the loop');
      for (const route of ['/v1/predictions/summary', '/analysis', '/v1/recommendations?', '/loops', 'kind=proof_window']) expect(loopBlock).toContain(route);
      const pattern = await eventually(async () => {
        const active = (await get('/v1/patterns?status=active&limit=20')).data as { id: string }[];
        for (const candidate of active) {
          const { data } = (await get(`/v1/recommendations?pattern_id=${candidate.id}`)) as { data: { id: string }[] };
          if (data.length > 0) return { id: candidate.id, recommendation: data[0]!.id };
        }
        return undefined;
      }, 60_000, 'an active demo pattern with recommendations');
      await eventually(async () => ((await get('/v1/predictions?limit=1')).data as unknown[]).length > 0 || undefined, 100_000, 'the first predictions');
      const loopAnswers = await runBlock(
        loopBlock
          .replace(/^TOKEN=eyJ….*$/m, `TOKEN='${token}'`)
          .replace(/^PATTERN=…$/m, `PATTERN=${pattern.id}`)
          .replace(/^RECOMMENDATION=…$/m, `RECOMMENDATION=${pattern.recommendation}`)
          .replaceAll('http://127.0.0.1:8080', base),
      );
      expect(loopAnswers).toHaveLength(loopBlock.split('\n').filter((line) => line.startsWith('curl ')).length);
      for (const answer of loopAnswers) expect(answer.status, `${answer.command}\n${JSON.stringify(answer.body)}`).toBeGreaterThanOrEqual(200);
      for (const answer of loopAnswers) expect(answer.status, `${answer.command}\n${JSON.stringify(answer.body)}`).toBeLessThan(300);
      const loopAnswer = (route: string) => loopAnswers.find((answer) => answer.command.includes(route))!.body as Record<string, unknown>;
      const summary = loopAnswer('/v1/predictions/summary') as { windows: { window_days: number; open?: number }[] };
      expect(summary.windows.find((window) => window.window_days === 7)?.open).toBeGreaterThan(0);
      expect(loopAnswer('/analysis')).toMatchObject({ analysis: { status: 'ok', provider: 'offline' } });
      const ranked = (loopAnswer('/v1/recommendations?') as { data: { rank_score: number }[] }).data.map((entry) => entry.rank_score);
      expect(ranked).toEqual([...ranked].sort((a, b) => b - a));
      expect(loopAnswer('-X PATCH')).toMatchObject({ recommendation: { status: 'implemented' }, loop: { status: 'proving' } });
      expect((loopAnswer('/loops') as { data: { status: string }[] }).data[0]).toMatchObject({ status: 'proving' });
      expect((loopAnswer('kind=proof_window') as { data: { kind: string }[] }).data).toMatchObject([{ kind: 'proof_window' }]);
      expect(((await get(`/v1/patterns/${pattern.id}`)).pattern as { status: string }).status).toBe('mitigating');
    } finally {
      expect((await pressCtrlC(runner)).code).toBe(0);
    }
  }, 300_000);
});
