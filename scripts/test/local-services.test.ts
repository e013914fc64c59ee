import { describe, expect, it } from 'vitest';
import { grpcAddressVariable, serviceCatalogue } from '@causeloop/platform/service-catalogue';
import { downstreamAddresses, localServices, withPortOffset } from '../src/local-services.js';

describe('the services npm start runs', () => {
  it('are one process per declared service, in the catalogue’s order (callees first)', () => {
    expect(localServices.map((service) => service.name)).toEqual(serviceCatalogue.map((service) => service.name));
  });

  it('give each service its own ports: gRPC for those that serve gRPC, HTTP for the gateway', () => {
    for (const service of localServices) {
      const servesGrpc = serviceCatalogue.find((declared) => declared.name === service.name)!.apis.length > 0;
      expect(service.grpcPort !== undefined, service.name).toBe(servesGrpc);
      expect(service.httpPort !== undefined, service.name).toBe(!servesGrpc);
    }
    const ports = localServices.flatMap((service) => [service.opsPort, service.grpcPort ?? service.httpPort]);
    expect(new Set(ports).size).toBe(ports.length);
  });

  it('tell every service where each gRPC service listens, ports shifted by the offset', () => {
    const shifted = withPortOffset(localServices, 1_000);
    const addresses = downstreamAddresses(shifted);
    for (const service of shifted) {
      if (service.grpcPort === undefined) continue;
      expect(addresses[grpcAddressVariable(service.name)]).toBe(`127.0.0.1:${service.grpcPort}`);
    }
    expect(Object.keys(addresses)).toEqual(['CRYPTO_GRPC_ADDR', 'AUTH_GRPC_ADDR', 'TENANCY_GRPC_ADDR']);
    expect(shifted.find((service) => service.name === 'api-gateway')?.httpPort).toBe(9_080);
  });
});
