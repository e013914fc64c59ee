import { describe, expect, it } from 'vitest';
import { isFronted, serviceCatalogue } from '@causeloop/platform/service-catalogue';
import { frontedApis } from '../src/backends.js';

const typeNames = (fronted: ReturnType<typeof frontedApis>) =>
  fronted.flatMap(({ address, apis }) => apis.map((api) => `${address} ${api.service.typeName}`));

describe('the backends the gateway fronts', () => {
  it('are the public and http APIs of every declared service, each called at its service’s address', () => {
    const fronted = typeNames(frontedApis({ auth: 'auth:50051', tenancy: 'tenancy:50051', insights: 'insights:50051' }));
    const declared = serviceCatalogue.flatMap((service) =>
      service.apis.filter(isFronted).map((api) => `${service.name}:50051 ${api.service.typeName}`),
    );
    expect(fronted).toEqual(declared);
    expect(fronted).toContain('tenancy:50051 causeloop.tenancy.v1.WorkspaceService');
    expect(fronted).toEqual(expect.arrayContaining([
      'insights:50051 causeloop.insights.v1.IngestService',
      'insights:50051 causeloop.insights.v1.IssueService',
      'insights:50051 causeloop.insights.v1.PatternService',
    ]));
    // Operator-only and internal APIs are never routed.
    expect(fronted.join('\n')).not.toMatch(/ProvisioningService|CryptoService/);
  });

  it('leave out a service whose address is not configured (its routes are not served)', () => {
    expect(typeNames(frontedApis({ auth: 'auth:50051', tenancy: undefined, insights: undefined }))).toEqual(['auth:50051 causeloop.auth.v1.AuthService']);
    expect(typeNames(frontedApis({ auth: 'auth:50051', tenancy: undefined, insights: 'insights:50051' })).join('\n')).not.toContain('tenancy');
  });
});
