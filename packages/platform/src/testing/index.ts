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
export { serviceMain, startAuthProcess, startCryptoProcess, type AuthProcessOptions } from './start-core-services.js';
