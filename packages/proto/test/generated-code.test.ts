import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const repositoryRoot = path.resolve(import.meta.dirname, '../../..');
const committedDirectory = path.join(repositoryRoot, 'packages/proto/src/gen');
// buf finds protoc-gen-es on the PATH, as `npm run gen` does.
const toolEnvironment = {
  ...process.env,
  PATH: `${path.join(repositoryRoot, 'node_modules/.bin')}${path.delimiter}${process.env.PATH ?? ''}`,
};

async function listFiles(directory: string): Promise<string[]> {
  const entries = await readdir(directory, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(directory, path.join(entry.parentPath, entry.name)))
    .sort();
}

describe('generated protobuf code', () => {
  let scratch: string | undefined;
  afterAll(async () => {
    if (scratch !== undefined) await rm(scratch, { recursive: true, force: true });
  });

  it('matches what `npm run gen` produces from proto/ (run it and commit the result)', async () => {
    scratch = await mkdtemp(path.join(tmpdir(), 'causeloop-gen-'));
    await run('buf', ['generate', '--template', 'proto/buf.gen.yaml', '--output', scratch], {
      cwd: repositoryRoot,
      env: toolEnvironment,
    });
    const regeneratedDirectory = path.join(scratch, 'packages/proto/src/gen');
    const regenerated = await listFiles(regeneratedDirectory);
    expect(await listFiles(committedDirectory)).toEqual(regenerated);
    for (const file of regenerated) {
      const fresh = await readFile(path.join(regeneratedDirectory, file), 'utf8');
      const committed = await readFile(path.join(committedDirectory, file), 'utf8');
      expect(committed, `${file} is stale: run npm run gen`).toBe(fresh);
    }
  });

  it('passes buf lint (STANDARD rules)', async () => {
    await expect(run('buf', ['lint', 'proto'], { cwd: repositoryRoot, env: toolEnvironment })).resolves.toBeDefined();
  });
});
