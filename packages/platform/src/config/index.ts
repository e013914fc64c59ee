export * from './base-config.js';
export * from './env-var.js';
export * from './load-config.js';
