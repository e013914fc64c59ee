import { Access } from '@causeloop/proto/causeloop/common/v1/access_pb.js';
import { describe, expect, it } from 'vitest';
import { methodAccess } from '@causeloop/platform/identity';
import { fakeService } from '@causeloop/platform/testing';
import { frontedApis } from '../src/backends.js';
import type { FrontedService } from '../src/fronted-service.js';
import { collectRoutedRpcs } from '../src/routes/http-rules.js';

// Start-up reading of the rules only: no backend is called.
const unreachable: FrontedService['call'] = () => Promise.reject(new Error('not called'));
const fronted = frontedApis({ auth: 'auth:50051', tenancy: 'tenancy:50051', insights: 'insights:50051' }).flatMap(({ apis }) =>
  apis.map(({ service }) => ({ service, call: unreachable })),
);

describe('one access table for the gateway and the backend gate', () => {
  it('derives the same scope for every RPC as the gate does, and routes no internal RPC', () => {
    const routes = new Map(collectRoutedRpcs(fronted).map((route) => [route.method, route]));
    let compared = 0;
    for (const { service } of fronted) {
      for (const method of service.methods) {
        const access = methodAccess(method);
        const route = routes.get(method);
        if (access.kind === 'internal') {
          expect(route, `${service.name}.${method.name}`).toBeUndefined();
          continue;
        }
        // Every public and scoped RPC of a fronted service has a route (none silently unreachable).
        expect(route, `${service.name}.${method.name}`).toBeDefined();
        expect(route?.scope, `${service.name}.${method.name}`).toBe(access.kind === 'scoped' ? access.scope : undefined);
        compared += 1;
      }
    }
    expect(compared).toBe(routes.size);
    expect(compared).toBeGreaterThanOrEqual(28);
  });

  it('refuses to route an internal RPC that was given an HTTP rule', () => {
    const service = fakeService({ access: Access.INTERNAL, http: { method: 'POST', path: '/v1/do', body: '*' } });
    expect(() => collectRoutedRpcs([{ service, call: unreachable }])).toThrow(/FakeService.Do is ACCESS_INTERNAL but has an HTTP rule/);
  });

  it('refuses to route an RPC whose rule names no scope and that is not marked public', () => {
    const service = fakeService({ http: { method: 'POST', path: '/v1/do', body: '*' } });
    expect(() => collectRoutedRpcs([{ service, call: unreachable }])).toThrow(/names no scope and has no access mark/);
  });
});
