import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { buildGatewayDocument, committedDocumentPath, documentText, repositoryRoot } from '../src/openapi/gateway-document.js';

const run = promisify(execFile);

describe('docs/openapi.json', () => {
  it('is what the gateway fronting every backend serves now (run `npm run gen:openapi` and commit it)', async () => {
    const committed = await readFile(path.join(repositoryRoot, committedDocumentPath), 'utf8');
    expect(committed, `${committedDocumentPath} is stale: run npm run gen:openapi (or npm run gen) and commit it`).toBe(
      documentText(buildGatewayDocument()),
    );
  });

  it("passes Redocly CLI's recommended rules with no error and no warning", async () => {
    // The rules come from redocly.yaml (recommended, nothing overridden); no ignore file exists.
    const { stdout } = await run('npx', ['--no-install', 'redocly', 'lint', committedDocumentPath, '--format=json'], {
      cwd: repositoryRoot,
      // Nothing leaves the machine: no usage telemetry, no check for a newer release.
      env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
    }).catch((error: unknown) => {
      throw new Error(`redocly lint exited non-zero:\n${String((error as { stdout?: string }).stdout ?? error)}`);
    });
    const report = JSON.parse(stdout.slice(stdout.indexOf('{'))) as { totals: unknown; problems: unknown[] };
    expect(report.problems).toEqual([]);
    expect(report.totals).toEqual({ errors: 0, warnings: 0, ignored: 0 });
  }, 60_000);
});
