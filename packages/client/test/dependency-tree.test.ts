import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const repositoryRoot = path.resolve(import.meta.dirname, '../../..');
const recorder = path.join(import.meta.dirname, 'support/record-resolutions.ts');

interface Resolution {
  readonly url: string;
  readonly parentUrl: string | undefined;
}

/** The package a `node_modules` file belongs to (`@scope/name` or `name`); undefined for other files. */
function packageOf(url: string): string | undefined {
  const marker = '/node_modules/';
  const at = url.lastIndexOf(marker);
  if (at === -1) return undefined;
  const [first = '', second = ''] = url.slice(at + marker.length).split('/');
  return first.startsWith('@') ? `${first}/${second}` : first;
}

/** `name` and everything it depends on, transitively, as installed (nearest node_modules first, as Node looks). */
function installedClosure(name: string, fromDirectory = repositoryRoot, found = new Set<string>()): Set<string> {
  if (found.has(name)) return found;
  found.add(name);
  let directory = fromDirectory;
  while (!existsSync(path.join(directory, 'node_modules', name, 'package.json'))) {
    const parent = path.dirname(directory);
    if (parent === directory) throw new Error(`${name} is not installed`);
    directory = parent;
  }
  const packageDirectory = path.join(directory, 'node_modules', name);
  const manifest = JSON.parse(readFileSync(path.join(packageDirectory, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
  for (const dependency of Object.keys(manifest.dependencies ?? {})) installedClosure(dependency, packageDirectory, found);
  return found;
}

/** Every module a fresh Node process resolves while importing `@causeloop/client` from its sources. */
async function resolutionsOfClient(): Promise<Resolution[]> {
  const { stdout } = await run(
    process.execPath,
    [
      // The sources are TypeScript (generated protos hold enums, hence transform, not strip).
      '--experimental-transform-types',
      '--disable-warning=ExperimentalWarning',
      '--conditions=@causeloop/source',
      '--import',
      recorder,
      '--input-type=module',
      '--eval',
      "await import('@causeloop/client');",
    ],
    { cwd: path.join(repositoryRoot, 'packages/client'), env: { PATH: process.env.PATH ?? '' } },
  );
  return JSON.parse(stdout) as Resolution[];
}

const relative = (url: string | undefined): string =>
  url?.startsWith('file:') ? path.relative(repositoryRoot, fileURLToPath(url)) : String(url);

// Other teams' services depend on this package: whatever it loads, they install, load and
// patch (pg, pino, prom-client and the OpenTelemetry SDK all register process-wide state).
describe('what @causeloop/client loads', () => {
  it('is grpc-js, protobuf-es and the Causeloop packages they need, nothing else', async () => {
    const allowedPackages = new Set([...installedClosure('@grpc/grpc-js'), '@bufbuild/protobuf']);
    const allowedWorkspaces = ['client', 'platform', 'proto'].map((name) => path.join(repositoryRoot, 'packages', name) + path.sep);
    const resolutions = await resolutionsOfClient();
    expect(resolutions.some(({ url }) => packageOf(url) === '@grpc/grpc-js')).toBe(true);

    const isAllowed = (url: string): boolean => {
      if (url.startsWith('node:')) return true;
      const name = packageOf(url);
      if (name !== undefined) return allowedPackages.has(name);
      return url.startsWith('file:') && allowedWorkspaces.some((workspace) => fileURLToPath(url).startsWith(workspace));
    };
    // Each package outside the allowed set, named with the allowed files that import it, so
    // the import to cut is plain (what an offender loads in turn is not listed). Node resolves
    // a CommonJS package imported from ESM once more without a parent; that adds no name.
    const importers = new Map<string, Set<string>>();
    for (const { url, parentUrl } of resolutions) {
      if (isAllowed(url) || (parentUrl !== undefined && !isAllowed(parentUrl))) continue;
      const name = packageOf(url) ?? relative(url);
      const known = importers.get(name) ?? new Set<string>();
      if (parentUrl !== undefined) known.add(relative(parentUrl));
      importers.set(name, known);
    }
    const offenders = [...importers].map(([name, by]) => (by.size === 0 ? name : `${name} (imported by ${[...by].join(', ')})`));
    expect(offenders).toEqual([]);
  });
});
