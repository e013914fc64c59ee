export { assertAppRole } from './assert-app-role.js';
export { bootstrapRoles, type BootstrapRolesOptions } from './bootstrap-roles.js';
export { createPool, type PoolOptions } from './create-pool.js';
export { runMigrations, type MigrateOptions, type MigrateResult } from './migrate.js';
export { migrationsDirectory } from './migrations-directory.js';
export { withTenant, type TenantClient } from './with-tenant.js';
export { withClient } from './with-client.js';
export { isUniqueViolation } from './unique-violation.js';
