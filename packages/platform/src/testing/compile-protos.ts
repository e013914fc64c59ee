import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { createFileRegistry, fromBinary, type FileRegistry } from '@bufbuild/protobuf';
import { FileDescriptorSetSchema } from '@bufbuild/protobuf/wkt';

const run = promisify(execFile);
/** The repository root, seen from this file (src/ under test, dist/ when built). */
const repositoryRoot = path.resolve(import.meta.dirname, '../../../..');

/**
 * Compiles .proto sources given as text with the repository's own `buf` (offline, no
 * plugins) and answers their descriptors, as protoc-gen-es would embed them. The sources
 * may import the Causeloop options (`causeloop/common/v1/*.proto`), so a test can declare
 * a route or a constraint and watch what the platform derives from it, without adding a
 * proto to proto/. `files` maps paths such as `demo/v1/demo.proto` to their text.
 */
export async function compileProtos(files: Readonly<Record<string, string>>): Promise<FileRegistry> {
  const directory = await mkdtemp(path.join(tmpdir(), 'causeloop-protos-'));
  try {
    await cp(path.join(repositoryRoot, 'proto/causeloop/common'), path.join(directory, 'causeloop/common'), { recursive: true });
    for (const [name, text] of Object.entries(files)) {
      await mkdir(path.dirname(path.join(directory, name)), { recursive: true });
      await writeFile(path.join(directory, name), text);
    }
    await writeFile(path.join(directory, 'buf.yaml'), 'version: v2\n');
    const image = path.join(directory, 'image.binpb');
    await run(path.join(repositoryRoot, 'node_modules/.bin/buf'), ['build', directory, '--output', image]);
    return createFileRegistry(fromBinary(FileDescriptorSetSchema, await readFile(image)));
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}
