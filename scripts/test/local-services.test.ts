import { createPublicKey, generateKeyPairSync } from 'node:crypto';
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
    expect(Object.keys(addresses)).toEqual(['CRYPTO_GRPC_ADDR', 'AUTH_GRPC_ADDR', 'TENANCY_GRPC_ADDR', 'INSIGHTS_GRPC_ADDR']);
    expect(addresses['INSIGHTS_GRPC_ADDR']).toBe('127.0.0.1:51053'); // 50053, as the Tiltfile forwards it
    expect(shifted.find((service) => service.name === 'api-gateway')?.httpPort).toBe(9_080);
  });

  it('give insights the assertion public key (derived from auth’s private key), the cursor secret and a one-minute predictor, nothing of auth’s or crypto’s', () => {
    const privateKey = generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    const secrets = {
      postgresPassword: 'p', ownerPassword: 'o', appPassword: 'a', jwtSecret: 'jwt', masterKey: 'kek', assertionPrivateKey: privateKey,
      cursorSigningKey: 'cursor-secret', governanceSigningKey: 'governance', operatorToken: 'clp_op_x',
    };
    const insights = localServices.find((service) => service.name === 'insights')!;
    const env = insights.env(secrets);
    expect(Object.keys(env).sort()).toEqual(['CURSOR_SIGNING_KEY', 'PREDICTION_INTERVAL_MS', 'PRINCIPAL_ASSERTION_PUBLIC_KEY']);
    expect(env['PREDICTION_INTERVAL_MS']).toBe('60000');
    expect(env['PRINCIPAL_ASSERTION_PUBLIC_KEY']).toBe(createPublicKey(privateKey).export({ type: 'spki', format: 'pem' }).toString());
    expect(env['CURSOR_SIGNING_KEY']).toBe('cursor-secret');
    expect([insights.grpcPort, insights.opsPort]).toEqual([50053, 9093]);
  });
});
