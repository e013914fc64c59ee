export { compileProtos } from './compile-protos.js';
export { withConnectionParts, type ConnectionUrlParts } from './connection-url.js';
export { createTestDatabase, type TestDatabase, type TestDatabaseOptions } from './create-test-database.js';
export { findFreePort } from '../net/find-free-port.js';
export {
  startEmbeddedPostgres,
  type EmbeddedPostgresOptions,
  type EmbeddedPostgresServer,
} from '../embedded-postgres/start-embedded-postgres.js';
export type { TestPostgresContext } from './test-postgres-context.js';
export { seedWorkspace } from './seed-workspace.js';
export { seedMember, seedUser, type SeededUser } from './seed-identity.js';
export { startCoreProcesses, type CoreProcesses } from './core-processes.js';
export { fakeService } from './fake-service.js';
export { startFakeLeaseApiServer, type FakeLeaseApiServer, type StoredLease } from './fake-lease-api-server.js';
export { bearer, gatewayOverHttp, signIn, type Gateway, type GatewayRequest, type GatewayResponse } from './gateway-requests.js';
export { provisionOrganization, type ProvisionOverrides } from './provision-organization.js';
export { serveOnLoopback, type LoopbackServer } from './serve-on-loopback.js';
export { decodePart, unsecuredToken, withTamperedPayload, withTruncatedSignature } from './jwt-tamper.js';
export {
  runServiceProcessToExit,
  startServiceProcess,
  type ServiceProcess,
  type ServiceProcessOptions,
} from '../service-process/start-service-process.js';
export {
  startLocalIdentityProvider,
  type LocalIdentityProvider,
  type LocalIdentityProviderOptions,
  type LocalIdentityTokenClaims,
  type LocalIdentityTokenOptions,
} from './local-identity-provider.js';
export { findRedisServer, skipWithoutRedisServer, startRedisServer, type RedisServer } from './start-redis-server.js';
export {
  serviceMain,
  startAuthProcess,
  startCryptoProcess,
  startGatewayProcess,
  startInsightsProcess,
  startTenancyProcess,
  type AuthProcessOptions,
  type GatewayProcessOptions,
  type InsightsProcessOptions,
  type ProcessOverrides,
  type TenancyProcessOptions,
} from './start-core-services.js';
export { uncataloguedMetrics } from './uncatalogued-metrics.js';
