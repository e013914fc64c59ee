export * from './create-service-runtime.js';
export * from './serve.js';
export * from './release-memory-when-idle.js';
