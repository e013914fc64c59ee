export * from './create-ops-server.js';
export * from './readiness.js';
