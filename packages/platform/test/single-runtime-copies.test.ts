import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const repositoryRoot = path.resolve(import.meta.dirname, '../../..');

interface DependencyNode {
  readonly version?: string;
  readonly dependencies?: Readonly<Record<string, DependencyNode>>;
}

function versionsOf(name: string, node: DependencyNode, found = new Set<string>()): Set<string> {
  for (const [dependency, child] of Object.entries(node.dependencies ?? {})) {
    if (dependency === name && child.version !== undefined) found.add(child.version);
    versionsOf(name, child, found);
  }
  return found;
}

// Two copies of the protobuf runtime or of grpc-js break descriptors, registries and
// channel sharing in ways no type-check notices (protobuf-es and grpc-js both warn).
describe('installed dependency tree', () => {
  it('holds one copy of @bufbuild/protobuf and of @grpc/grpc-js', async () => {
    const { stdout } = await run('npm', ['ls', '--all', '--json', '@bufbuild/protobuf', '@grpc/grpc-js'], {
      cwd: repositoryRoot,
    });
    const tree = JSON.parse(stdout) as DependencyNode;
    expect([...versionsOf('@bufbuild/protobuf', tree)]).toHaveLength(1);
    expect([...versionsOf('@grpc/grpc-js', tree)]).toHaveLength(1);
  });
});
