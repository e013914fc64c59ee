export * from './start-service-process.js';
export * from './service-node-options.js';
