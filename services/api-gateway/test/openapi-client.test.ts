import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { pathToFileURL } from 'node:url';
import { createGrpcClient } from '@causeloop/platform/grpc';
import {
  provisionOrganization,
  startCoreProcesses,
  startGatewayProcess,
  type CoreProcesses,
} from '@causeloop/platform/testing';
import { ProvisioningService, type CreateOrganizationResponse } from '@causeloop/proto/causeloop/tenancy/v1/provisioning_pb.js';
import openapiTS, { astToString } from 'openapi-typescript';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { committedDocumentPath, repositoryRoot } from '../src/openapi/gateway-document.js';

const run = promisify(execFile);

/**
 * A user's program against the committed document, through the types openapi-typescript
 * generates and openapi-fetch: it accepts the owner's invitation, signs in, creates two
 * tokens, lists one per page and reads the workspace. It prints what it saw as JSON.
 */
const program = `import createClient from 'openapi-fetch';
import type { paths } from './causeloop-api.js';

const [baseUrl, invitationToken, ownerEmail, workspaceId] = process.argv.slice(2) as [string, string, string, string];
const api = createClient<paths>({ baseUrl });

const accepted = await api.POST('/v1/invitations/accept', { body: { token: invitationToken } });
if (accepted.error) throw new Error(\`accept: \${accepted.error.code}\`);
const signedIn = await api.POST('/v1/auth/exchange', { body: { subject_token: \`dev:\${ownerEmail}\`, workspace_id: workspaceId } });
if (signedIn.error) throw new Error(\`exchange: \${signedIn.error.code}\`);
const headers = { authorization: \`Bearer \${signedIn.data.access_token ?? ''}\` };

const secrets: string[] = [];
for (const name of ['first', 'second']) {
  const created = await api.POST('/v1/api-tokens', {
    headers,
    params: { header: { 'Idempotency-Key': \`openapi-client-\${name}\` } },
    body: { name, scopes: ['tokens:read'] },
  });
  if (created.error) throw new Error(\`create: \${created.error.code} \${created.error.detail}\`);
  secrets.push(created.data.secret ?? '');
}
const listed = await api.GET('/v1/api-tokens', { headers, params: { query: { limit: 1 } } });
if (listed.error) throw new Error(\`list: \${listed.error.code}\`);
const workspace = await api.GET('/v1/workspaces/{workspace_id}', { headers, params: { path: { workspace_id: workspaceId } } });
if (workspace.error) throw new Error(\`workspace: \${workspace.error.code}\`);
const elsewhere = await api.GET('/v1/workspaces/{workspace_id}', {
  headers,
  params: { path: { workspace_id: '00000000-0000-7000-8000-000000000000' } },
});

console.log(JSON.stringify({
  secrets: secrets.map((secret) => secret.slice(0, 8)),
  listed: listed.data.data?.map((token) => token.name),
  hasMore: listed.data.page?.has_more,
  workspaceName: workspace.data.workspace?.name,
  elsewhere: { status: elsewhere.response.status, code: elsewhere.error?.code },
}));

/** Never run: calls the generated types must refuse, each checked by the compiler. */
export function refusedByTheTypes(): void {
  // @ts-expect-error \`name\` is required: the proto declares it so
  void api.POST('/v1/api-tokens', { headers, body: { scopes: ['tokens:read'] } });
  // @ts-expect-error \`limit\` is a number
  void api.GET('/v1/api-tokens', { headers, params: { query: { limit: 'ten' } } });
  // @ts-expect-error a workspace is read by its id
  void api.GET('/v1/workspaces/{workspace_id}', { headers });
}
`;

/** Strict, as the repository compiles itself; the DOM library for fetch's types, Node's for `process`. */
const compilerOptions: ts.CompilerOptions = {
  strict: true,
  exactOptionalPropertyTypes: true,
  noUncheckedIndexedAccess: true,
  noUnusedLocals: true,
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
  types: ['node'],
  skipLibCheck: true,
};

describe('a client generated from docs/openapi.json', () => {
  let core: CoreProcesses;
  let gatewayUrl: string;
  let organization: CreateOrganizationResponse;
  let directory: string;

  beforeAll(async () => {
    core = await startCoreProcesses();
    const [tenancy, insights] = await Promise.all([core.startTenancy(), core.startInsights()]);
    const gateway = core.adopt(
      await startGatewayProcess({
        databaseUrl: core.database.appUrl,
        authAddress: core.auth.grpcAddress,
        tenancyAddress: tenancy.grpcAddress,
        insightsAddress: insights.grpcAddress,
      }),
    );
    gatewayUrl = gateway.httpUrl ?? '';
    const provisioning = createGrpcClient(ProvisioningService, { address: tenancy.grpcAddress, defaultDeadlineMs: 10_000 });
    try {
      organization = await provisionOrganization(provisioning, core.operator.token, { slug: 'openapi-client' });
    } finally {
      provisioning.close();
    }
    directory = await mkdtemp(path.join(tmpdir(), 'causeloop-openapi-client-'));
    // The program resolves openapi-fetch and @types/node as a project of its own would.
    await symlink(path.join(repositoryRoot, 'node_modules'), path.join(directory, 'node_modules'));
    await writeFile(path.join(directory, 'package.json'), JSON.stringify({ type: 'module' }));
  }, 180_000);

  afterAll(async () => {
    if (directory !== undefined) await rm(directory, { recursive: true, force: true });
    await core?.close();
  });

  it('is what a gateway fronting every backend serves', async () => {
    const served: unknown = await (await fetch(`${gatewayUrl}/openapi.json`)).json();
    const committed: unknown = JSON.parse(await readFile(path.join(repositoryRoot, committedDocumentPath), 'utf8'));
    expect(served).toEqual(committed);
  });

  it('type-checks a program under strict rules, required request fields included, and the program works against the real stack', async () => {
    const types = astToString(await openapiTS(pathToFileURL(path.join(repositoryRoot, committedDocumentPath))));
    await writeFile(path.join(directory, 'causeloop-api.ts'), types);
    await writeFile(path.join(directory, 'program.ts'), program);

    const compiled = ts.createProgram({ rootNames: [path.join(directory, 'program.ts')], options: { ...compilerOptions, outDir: directory } });
    const diagnostics = ts.getPreEmitDiagnostics(compiled);
    const host: ts.FormatDiagnosticsHost = { getCanonicalFileName: (f) => f, getCurrentDirectory: () => directory, getNewLine: () => '\n' };
    expect(ts.formatDiagnostics(diagnostics, host)).toBe('');
    expect(compiled.emit().emitSkipped).toBe(false);

    const ownerEmail = `owner@openapi-client.example`;
    const workspaceId = organization.workspace?.id ?? '';
    const { stdout } = await run(process.execPath, [
      path.join(directory, 'program.js'),
      gatewayUrl,
      organization.ownerInvitationToken,
      ownerEmail,
      workspaceId,
    ]);
    expect(JSON.parse(stdout)).toEqual({
      secrets: ['clp_pat_', 'clp_pat_'],
      listed: [expect.any(String)],
      hasMore: true,
      workspaceName: organization.workspace?.name,
      elsewhere: { status: 404, code: 'not_found' },
    });
  }, 120_000);
});
