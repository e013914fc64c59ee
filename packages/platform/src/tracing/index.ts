export * from './start-tracing.js';
