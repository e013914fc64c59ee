export * from './start-tracing.js';
export * from './trace-id.js';
