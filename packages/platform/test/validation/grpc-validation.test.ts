import { create, type DescMessage, type DescService } from '@bufbuild/protobuf';
import { PrincipalSchema, Role, TokenKind } from '@causeloop/proto/causeloop/common/v1/principal_pb.js';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GrpcCallOptions } from '../../src/grpc-client/create-base-grpc-client.js';
import { createGrpcClient } from '../../src/grpc/create-grpc-client.js';
import { createGrpcServer, type GrpcServer } from '../../src/grpc/create-grpc-server.js';
import type { ServiceImpl } from '../../src/grpc/service-impl.js';
import {
  createAssertionSigner,
  createAssertionVerifier,
  createPrincipalResolver,
  generateAssertionKeyPair,
  guardService,
  principalAssertionHeader,
} from '../../src/identity/index.js';
import { createLogger } from '../../src/log/create-logger.js';
import { compileProtos } from '../../src/testing/compile-protos.js';

const demoProto = `
syntax = "proto3";
package demo.v1;
import "causeloop/common/v1/access.proto";
import "causeloop/common/v1/http.proto";
import "causeloop/common/v1/validation.proto";

service NoteService {
  rpc CreateNote(CreateNoteRequest) returns (Note) {
    option (causeloop.common.v1.http) = {method: "POST" path: "/v1/notes" body: "*" scope: "issues:write"};
  }
  rpc PreviewNote(CreateNoteRequest) returns (Note) {
    option (causeloop.common.v1.access) = ACCESS_PUBLIC;
  }
}

message CreateNoteRequest {
  string title = 1 [(causeloop.common.v1.field) = {required: true, string: {max_len: 20}}];
  repeated Line lines = 2;
}

message Line {
  string text = 1 [(causeloop.common.v1.field).string.max_len = 5];
}

message Note {
  string title = 1;
}
`;

type Rpc = (request: unknown, options?: GrpcCallOptions) => Promise<unknown>;

describe('the gRPC server validates every request against its FieldRules', () => {
  let service: DescService;
  let input: DescMessage;
  const servers: GrpcServer[] = [];
  const closers: (() => void)[] = [];
  const ran: string[] = [];

  beforeAll(async () => {
    const registry = await compileProtos({ 'demo/v1/notes.proto': demoProto });
    const found = registry.getService('demo.v1.NoteService');
    const message = registry.getMessage('demo.v1.CreateNoteRequest');
    if (found === undefined || message === undefined) throw new Error('demo proto did not compile');
    service = found;
    input = message;
  });

  afterAll(async () => {
    for (const close of closers) close();
    await Promise.all(servers.map((server) => server.drain(1_000)));
  });

  async function serve(impl: object): Promise<Record<string, Rpc>> {
    const server = createGrpcServer({ logger: createLogger({ service: 'validation-test', level: 'silent' }), registry: new Registry() });
    // A descriptor compiled at run time has no generated types to check the handlers against.
    server.addService(service, impl as ServiceImpl<DescService>);
    servers.push(server);
    const port = await server.start({ host: '127.0.0.1', port: 0 });
    const client = createGrpcClient(service, { address: `127.0.0.1:${port}`, defaultDeadlineMs: 5_000 });
    closers.push(() => client.close());
    return client as unknown as Record<string, Rpc>;
  }

  const handler = (name: string) => async (request: unknown) => {
    ran.push(name);
    return { title: (request as { title: string }).title };
  };

  it('answers INVALID_ARGUMENT naming every violated field, in the status details, before the handler runs', async () => {
    ran.length = 0;
    const client = await serve({ createNote: handler('create'), previewNote: handler('preview') });
    await expect(client.previewNote!(create(input, { title: 'x'.repeat(21), lines: [{ text: 'ok' }, { text: 'too long' }] }))).rejects.toMatchObject({
      code: 'invalid_argument',
      violations: [
        { field: 'title', description: 'must be at most 20 characters' },
        { field: 'lines[1].text', description: 'must be at most 5 characters' },
      ],
    });
    await expect(client.previewNote!(create(input, {}))).rejects.toMatchObject({
      code: 'invalid_argument',
      violations: [{ field: 'title', description: 'is required' }],
    });
    expect(ran).toEqual([]);
    await expect(client.previewNote!(create(input, { title: 'fine' }))).resolves.toMatchObject({ title: 'fine' });
    expect(ran).toEqual(['preview']);
  });

  it('orders a guarded RPC authenticate → validate → authorize → handler', async () => {
    ran.length = 0;
    const keys = await generateAssertionKeyPair();
    const signer = createAssertionSigner({ privateKeyPem: keys.privateKeyPem });
    const principals = createPrincipalResolver({
      verifier: createAssertionVerifier({ publicKeyPem: keys.publicKeyPem }),
      authenticate: async () => {
        throw new Error('bearer tokens are not used here');
      },
    });
    const client = await serve(
      guardService(
        service,
        { scoped: { createNote: handler('create') }, public: { previewNote: handler('preview') } },
        { principals, registry: new Registry() },
      ),
    );
    const as = async (scopes: string[]): Promise<GrpcCallOptions> => ({
      metadata: {
        [principalAssertionHeader]: await signer.sign(
          create(PrincipalSchema, {
            subjectId: '0190a1b2-c3d4-7e5f-8a6b-7c8d9e0f1a2c',
            workspaceId: '0190a1b2-c3d4-7e5f-8a6b-7c8d9e0f1a2b',
            role: Role.ANALYST,
            scopes,
            tokenKind: TokenKind.ACCESS,
          }),
        ),
      },
    });
    const invalid = create(input, {});
    const valid = create(input, { title: 'fine' });
    await expect(client.createNote!(invalid)).rejects.toMatchObject({ code: 'unauthenticated' });
    await expect(client.createNote!(invalid, await as(['issues:read']))).rejects.toMatchObject({ code: 'invalid_argument' });
    await expect(client.createNote!(valid, await as(['issues:read']))).rejects.toMatchObject({ code: 'insufficient_scope' });
    await expect(client.previewNote!(invalid)).rejects.toMatchObject({ code: 'invalid_argument' });
    expect(ran).toEqual([]);
    await expect(client.createNote!(valid, await as(['issues:write']))).resolves.toMatchObject({ title: 'fine' });
    expect(ran).toEqual(['create']);
  });
});
