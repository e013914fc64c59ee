import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Role } from '@causeloop/proto/causeloop/common/v1/principal_pb.js';
import { startTenancyProcesses, type TenancyProcesses } from './support/tenancy-processes.js';

const packageRoot = path.resolve(import.meta.dirname, '..');

/** The fenced block right after the `<!-- readme-example -->` marker, as written. */
async function readmeExample(): Promise<string> {
  const readme = await readFile(path.join(packageRoot, 'README.md'), 'utf8');
  const match = /<!-- readme-example -->\s*```ts\n([\s\S]*?)```/.exec(readme);
  if (match?.[1] === undefined) throw new Error('README.md has no ```ts block after <!-- readme-example -->');
  return match[1];
}

let stack: TenancyProcesses;
beforeAll(async () => {
  stack = await startTenancyProcesses();
});
afterAll(async () => {
  await stack?.close();
});

describe('the README example', () => {
  it('lists a workspace’s members with a service-account token, run as written against real services', async () => {
    const workspace = await stack.provisionWorkspace({ slug: 'readme-example', serviceAccountRole: Role.VIEWER });
    const example = await readmeExample();
    expect(example).toContain("from '@causeloop/client'");
    expect(example.split('\n').filter((line) => line.trim() !== '').length).toBeLessThanOrEqual(16);

    // Until the workspace is linked (npm install), the package name resolves to this
    // package's source; nothing else in the example is touched.
    const runnable = example.replace("from '@causeloop/client'", `from ${JSON.stringify(pathToFileURL(path.join(packageRoot, 'src/index.ts')).href)}`);
    const directory = await mkdtemp(path.join(tmpdir(), 'causeloop-readme-'));
    const file = path.join(directory, 'example.ts');
    await writeFile(file, runnable);
    process.env['CAUSELOOP_TENANCY_ADDR'] = stack.tenancyAddress;
    process.env['CAUSELOOP_TOKEN'] = workspace.serviceAccountToken;
    process.env['CAUSELOOP_WORKSPACE_ID'] = workspace.workspaceId;
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      await import(pathToFileURL(file).href);
      expect(log.mock.calls.map((call) => call[0])).toEqual([workspace.ownerEmail]);
    } finally {
      log.mockRestore();
      await rm(directory, { recursive: true, force: true });
    }
  });
});
