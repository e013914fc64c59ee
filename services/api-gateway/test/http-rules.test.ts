import { type DescMessage, type DescService } from '@bufbuild/protobuf';
import { AuthService } from '@causeloop/proto/causeloop/auth/v1/auth_pb.js';
import { describe, expect, it } from 'vitest';
import { createMetricsRegistry } from '@causeloop/platform/metrics';
import { compileProtos } from '@causeloop/platform/testing';
import { buildApp } from '../src/app.js';
import { createMemoryRateLimiter } from '../src/rate-limit/index.js';
import type { FrontedService } from '../src/fronted-service.js';

// Start-up checks of the rules: no backend is called, so the call function refuses.
const unreachable: FrontedService['call'] = () => Promise.reject(new Error('not called'));
const authenticator = { authenticate: () => Promise.reject(new Error('not called')) };
const rateLimit = { limiter: createMemoryRateLimiter() };
const registry = createMetricsRegistry({ service: 'api-gateway-test' });

describe('HTTP rules at start', () => {
  it('refuses to start when two rules collide, naming both', async () => {
    const twice = [
      { service: AuthService, call: unreachable },
      { service: AuthService, call: unreachable },
    ];
    await expect(buildApp({ services: twice, authenticator, rateLimit, registry })).rejects.toThrow(
      /AuthService\.ExchangeToken: POST \/v1\/auth\/exchange collides with causeloop\.auth\.v1\.AuthService\.ExchangeToken/,
    );
  });

  it('starts with the auth service alone', async () => {
    const app = await buildApp({ services: [{ service: AuthService, call: unreachable }], authenticator, rateLimit, registry });
    expect(app.hasRoute({ method: 'DELETE', url: '/v1/api-tokens/:token_id' })).toBe(true);
    expect(app.hasRoute({ method: 'POST', url: '/v1/auth/exchange' })).toBe(true);
    await app.close();
  });

  it('answers with the rule’s success_status, documents it, and refuses one outside 200, 201 and 202', async () => {
    const accepting = await noteService('success_status: 202');
    const app = await buildApp({
      services: [{ service: accepting.service, call: () => Promise.resolve('{"text":"kept"}') }],
      authenticator,
      rateLimit,
      registry,
    });
    const response = await app.inject({ method: 'POST', url: '/v1/notes', payload: { text: 'kept' } });
    expect(response.statusCode).toBe(202);
    expect(response.json()).toEqual({ text: 'kept' });
    const document = (await app.inject({ method: 'GET', url: '/openapi.json' })).json() as { paths: Record<string, { post: { responses: object } }> };
    expect(Object.keys(document.paths['/v1/notes']!.post.responses)).toContain('202');
    expect(Object.keys(document.paths['/v1/notes']!.post.responses)).not.toContain('200');
    await app.close();

    const noContent = await noteService('success_status: 204');
    await expect(buildApp({ services: [{ service: noContent.service, call: unreachable }], authenticator, rateLimit, registry })).rejects.toThrow(
      /NoteService\.AddNote: success_status 204 is not one of 200, 201, 202/,
    );
  });
});

/** A public one-RPC service whose HTTP rule ends with `extra`, compiled at run time. */
async function noteService(extra: string): Promise<{ service: DescService; method: { output: DescMessage } }> {
  const protos = await compileProtos({
    'notes/v1/notes.proto': `
syntax = "proto3";
package notes.v1;
import "causeloop/common/v1/access.proto";
import "causeloop/common/v1/http.proto";
service NoteService {
  rpc AddNote(Note) returns (Note) {
    option (causeloop.common.v1.access) = ACCESS_PUBLIC;
    option (causeloop.common.v1.http) = {method: "POST" path: "/v1/notes" body: "*" ${extra}};
  }
}
message Note { string text = 1; }
`,
  });
  const service = protos.getService('notes.v1.NoteService') as DescService;
  return { service, method: { output: service.methods[0]!.output } };
}
