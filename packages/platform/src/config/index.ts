export * from './backend-keys.js';
export * from './base-config.js';
export * from './env-var.js';
export * from './leader-election-config.js';
export * from './load-config.js';
