// The error catalogue and the HTTP API reference stay in step (fastify keeps its errors and
// their docs together the same way): every code a client can receive has a row in the
// "Error codes" table of docs/http-api.md with the HTTP and gRPC status the code really
// travels as, and the table names no code the catalogue does not have.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CauseloopError, errorCatalogue, GrpcStatus, type ErrorCode } from '@causeloop/platform/errors';

const repositoryRoot = path.resolve(import.meta.dirname, '../..');

interface DocumentedCode {
  readonly http: number;
  readonly grpc: string;
}

/** Rows `| \`code\` | HTTP status | gRPC status | meaning |` under the `## Error codes` heading. */
function documentedCodes(markdown: string): Map<string, DocumentedCode> {
  const section = /^## Error codes\n([\s\S]*?)(?=^## |(?![\s\S]))/m.exec(markdown)?.[1];
  if (section === undefined) throw new Error('docs/http-api.md has no "## Error codes" section');
  const codes = new Map<string, DocumentedCode>();
  for (const line of section.split('\n')) {
    const cells = /^\|\s*`([a-z_]+)`\s*\|\s*(\d{3})\s*\|\s*`?([A-Z_]+)`?\s*\|/.exec(line);
    if (cells === null) continue;
    codes.set(cells[1]!, { http: Number(cells[2]), grpc: cells[3]! });
  }
  return codes;
}

describe('the error catalogue in docs/http-api.md', async () => {
  const documented = documentedCodes(await readFile(path.join(repositoryRoot, 'docs/http-api.md'), 'utf8'));
  const codes = Object.keys(errorCatalogue) as ErrorCode[];

  it('documents every code the catalogue has', () => {
    expect(codes.filter((code) => !documented.has(code))).toEqual([]);
  });

  it('gives each code the HTTP and gRPC status it travels as', () => {
    const actual = codes.map((code) => {
      const error = new CauseloopError(code, 'documented');
      return { code, http: error.httpStatus, grpc: GrpcStatus[error.grpcStatus] };
    });
    const written = codes.map((code) => ({ code, http: documented.get(code)?.http, grpc: documented.get(code)?.grpc }));
    expect(written).toEqual(actual);
  });

  it('documents no code the catalogue does not have', () => {
    expect([...documented.keys()].filter((code) => !Object.hasOwn(errorCatalogue, code))).toEqual([]);
  });
});
